"""The values the import assumes where Flee says nothing; the YAML files state them as comments."""
from __future__ import annotations

import datetime as dt

PROHIBITIVE_FEE_USD = 10_000_000  # a "closed" segment: no one can pay it, so no one chooses it
DEFAULT_INCOME_USD = 400.0  # neutral income everywhere (USD/month) ...
CONFLICT_INCOME_USD = 100.0  # ... but lower in countries with a conflict zone (the push)
DEFAULT_LEGAL_CHANCE = 0.5  # the same chance of legal status everywhere (neutral)
TARGET_AGENTS = 50_000  # people per agent is chosen to give about this many agents
RECONSIDERATION_DAYS = 30.0  # assumption: people in conflict zones reconsider monthly
DEFAULT_START = dt.date(2024, 1, 1)  # first day when neither the caller nor sim_period.csv gives one
DEFAULT_DAYS = 180  # run length when neither the caller nor sim_period.csv gives one
