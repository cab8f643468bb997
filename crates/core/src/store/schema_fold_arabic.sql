-- Forfaits: Arabic spellings folded alike in the search key (SPEC §14: أ إ آ ٱ → ا, ة → ه,
-- ى → ي, tashkeel and tatweel removed). No table changes: the migration's hook computes the
-- folded name again for every name that is not plain ASCII and rebuilds the search index.
SELECT 1;
