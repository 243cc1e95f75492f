"""The search: lunr indexes built at build time, French stemming shared with the browser, term directory."""
