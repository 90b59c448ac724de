-- Seed for ratings v2 with DB_TYPE=mysql (same data as upstream's mysqldb image).
-- Load with: mariadb -h 127.0.0.1 -u root -p < mysql-seed.sql
CREATE DATABASE IF NOT EXISTS test;
USE test;

CREATE TABLE IF NOT EXISTS ratings (
  ReviewID INT NOT NULL,
  Rating INT,
  PRIMARY KEY (ReviewID)
);

-- Row order is part of the contract: row 0 becomes Reviewer1, row 1 Reviewer2.
INSERT INTO ratings (ReviewID, Rating) VALUES (1, 5), (2, 4)
  ON DUPLICATE KEY UPDATE Rating = VALUES(Rating);
