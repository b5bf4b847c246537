"""Reads: every query the pages, PDFs and commands make lives in this package, next to the
scope rules that limit it (AZ-2). Nothing here changes state; writes go through
`questionnaires.services`."""
