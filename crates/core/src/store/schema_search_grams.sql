-- Forfaits: search by any part of a number or a name (see search/grams.rs and search/words.rs).
-- Lists of account ids per digit gram, one row per gram and range of 65,536 ids:
-- key = gram * 2^40 + (first id of the range) / 65,536.
CREATE TABLE search_grams (
    key INTEGER PRIMARY KEY,
    ids BLOB    NOT NULL
);
-- Every distinct folded name word with each of its endings of 3 characters or more: the words
-- containing a fragment are those with an ending that starts with it. Words of accounts since
-- renamed or deleted may stay; they lead to no account.
CREATE TABLE search_words (
    suffix TEXT NOT NULL,
    word   TEXT NOT NULL,
    PRIMARY KEY (suffix, word)
) WITHOUT ROWID;
