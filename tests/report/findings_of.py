#!/usr/bin/python3
"""Prints one line per finding of an rdpcap JSON report: "client server code title",
for the connections with findings (or those whose client endpoint is given), so that
two captures of the same connections compare whatever their frame numbers."""
import json
import sys

doc = json.load(open(sys.argv[1]))
only = set(sys.argv[2:])
for c in doc['connections']:
    key = '%s %s' % (c['client'], c['server'])
    if only and c['client'] not in only:
        continue
    for f in c['findings']:
        print('%s %s %s' % (key, f['code'], f['title']))
