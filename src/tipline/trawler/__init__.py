"""The trawler: it follows the URLs reports carry and the public sources the hub watches,
hashes every image and video it finds, files what matches a bank as a report, sends takedown
notices to the hosts and measures how long removal takes (as C3P's Project Arachnid does)."""
