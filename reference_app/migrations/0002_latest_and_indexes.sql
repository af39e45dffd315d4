-- `latest` lives in the database so that every worker process and replica shares it.
-- It is text because any decimal integer is accepted, however large.
CREATE TABLE latest (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value TEXT NOT NULL
);

INSERT INTO latest (id, value) VALUES (1, '-1');

-- GET /msgs/<user>: one index range scan, newest first, however large the table grows.
-- (GET /msgs walks the primary key backwards and needs no extra index.)
CREATE INDEX message_author_newest ON message (author_id, message_id);
