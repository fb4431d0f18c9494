"""The coverage services, one concern a module: ``summary`` (what the policy is estimated to
pay), ``conditions`` (what the company must do to keep the cover), ``recording`` (the only ways
the coverage data changes), ``formatting`` (how it reads in JSON and the journal)."""
