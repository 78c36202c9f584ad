"""Import a Flee (3.x) input directory as a migsim network and a scenario that runs as it is.

Flee (https://github.com/djgroen/flee) describes a displacement situation with positional CSV
tables: ``locations.csv`` (name, region, country, latitude, longitude, location_type,
conflict_date, population, custom columns...), ``routes.csv`` (name1, name2, distance,
forced_redirection, custom columns...), ``closures.csv`` (closure_type, name1, name2,
closure_start, closure_end in days from the start, -1 = never reopens), ``conflicts.csv`` (a day
x location table of conflict intensity) and ``sim_period.csv`` (StartDate, Length). Rows whose
first cell starts with ``#`` are headers or comments, as in Flee.

Reading (:mod:`.read`, :mod:`.conflicts`, :mod:`.rows`) and mapping (:mod:`.mapping` and the
modules it calls) are pure; :mod:`.write` writes the two YAML files atomically. Whatever has no
migsim counterpart is listed in ``Imported.unmapped`` so the caller can warn once, never silently
dropped. ``sim.flee_import`` re-exports the public names.

Mapping choices (also written as comments into the files):

- location_type: conflict_zone / conflict (and any location with conflict in conflicts.csv)
  -> ``origin``; camp, idpcamp -> ``destination``; town, forwarding_hub, marker ->
  ``transit_hub`` (in Flee, camps are where people stop; towns are passed through with a daily
  move chance of 0.3); flood_zone (DFlee) -> ``origin``.
- routes -> segments of ``mode`` (bus by default), no fares, fees or hazards.
- country closures (two-way, as Flee enacts them) -> ``controlled_by`` on the segments crossing
  between the two countries, and dated ``border_control`` levers (intensity 1.0, push_back;
  back to 0 when the closure ends).
- location and link closures -> migsim has no closure lever: modelled as a prohibitive
  ``smuggling_fee`` (fee_usd) on each segment concerned, set back to 0 when the closure ends.
- conflict-zone populations (Flee's population column) and ``initial_idps`` -> population groups.
"""
