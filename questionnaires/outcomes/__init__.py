"""Service outcomes (issue 13): who the service reached, how many families gave paired start
(T1) and end (T2) scores, and how those scores changed. `statistics` holds every number as pure
functions of pandas DataFrames (scipy.stats for the tests); `report` assembles them; `charts`,
`exports` and `questionnaires/pdf/outcomes_report.py` present them. The reads are in
`questionnaires/selectors/outcomes.py`."""
