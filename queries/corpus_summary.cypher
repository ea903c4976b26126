// What does the graph hold: papers by extraction status, extractor and where their text came from?
//
// Only papers with status 'extracted' count in the other modules' shares; 'failed' (the
// extractor could not answer) and 'pending' (not yet extracted) papers are left out.
//
// Parameters: none
// Columns: status, extractor, version, text_source, papers
MATCH (p:Paper)
RETURN coalesce(p.status, 'unknown') AS status,
       coalesce(p.extractor, '—') AS extractor,
       coalesce(p.extractor_version, '—') AS version,
       coalesce(p.text_source, 'unknown') AS text_source,
       count(p) AS papers
ORDER BY papers DESC, status, extractor, text_source
