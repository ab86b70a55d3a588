"""The review round-trip: staff decisions from the 点検シート, stored, carried into the next scan, exported as labels."""
