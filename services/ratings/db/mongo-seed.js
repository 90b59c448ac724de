// Seed for ratings v2 with MongoDB (same data as upstream's mongodb image).
// Runs under mongosh, e.g. from /docker-entrypoint-initdb.d/ or `mongosh mongodb://127.0.0.1:27017 mongo-seed.js`.
/* global db */
const test = db.getSiblingDB('test')
test.ratings.drop()
// Document order is part of the contract: doc 0 becomes Reviewer1, doc 1 Reviewer2.
test.ratings.insertMany([{ rating: 5 }, { rating: 4 }])
