"""The clinical summary of a family: what each submitted questionnaire scored, against what
range and cut-off, which way is better, what was flagged, what the parent answered, and what
changed from start (T1) to end (T2). The family record page and the PDF report both read it, so
a label or a rounding rule lives here once.

    wording      numbers, ranges, directions, dates and ages in words
    flag_words   score flags in words (exhaustive over scoring.flags.FlagKind), caseload tags
    measures     one questionnaire: scores, zone, flags, item answers
    change_rows  T1 → T2 change and what its chart draws
    loaf_rows    LOAF ratings side by side
    episodes     episodes and the whole family

Everything here is a pure function over rows fetched by
questionnaires.selectors.family_record, whose `family_summary` fetches and summarises in a
fixed number of queries."""
