-- The name tier of a ranked search (the functions whose name matches, ranked first) reads the
-- words of names alone: a stored generated column of each function's name words (weight A, as
-- in its search document), with a GIN index. The index of whole documents cannot tell a name's
-- word from the same word in code, so the tier rechecked every function holding the word
-- anywhere: at a million functions, 21,000 documents read to find that no name held T77, or the
-- whole table when the planner chose to scan it. PostgreSQL keeps the column on every write.
ALTER TABLE function ADD COLUMN name_words tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('simple', codedb_search_words(name)), 'A')) STORED;

CREATE INDEX function_name_words_idx ON function USING gin (name_words);
