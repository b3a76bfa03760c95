"""Claim matching: which claims of other articles make the same claim as a sentence.

Two halves. `candidates` (Django, at the bottom of the layers) finds up to 50 similar claim
sentences of other articles in the database, fast at scale. `judge` (pure Python, no Django)
reads each pair together and decides whether the two sentences state the same proposition
(`"same"`), its negation or reverse (`"opposite"`), or something else (a changed number, date,
place, person, ...). docs/claim-matching.md has the measurements.
"""
