"""Élus: the people named in the Département's presence lists, resolved to one record each
(`personnes`), through the publisher's reviewed alias file site_data/elus_alias.yaml (`alias`)."""
