-- Users, messages and follow edges. Unique usernames and unique follow edges are
-- enforced here, by the database, so that concurrent requests cannot break them.
CREATE TABLE users (
    user_id {serial_pk},
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    pw_hash TEXT NOT NULL
);

CREATE TABLE message (
    message_id {serial_pk},
    author_id BIGINT NOT NULL REFERENCES users (user_id),
    text TEXT NOT NULL,
    pub_date BIGINT NOT NULL
);

CREATE TABLE follower (
    follow_id {serial_pk},
    who_id BIGINT NOT NULL REFERENCES users (user_id),
    whom_id BIGINT NOT NULL REFERENCES users (user_id),
    UNIQUE (who_id, whom_id)
);
