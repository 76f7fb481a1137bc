# Asks Musubi's CalDAV server for a calendar's free/busy with the python caldav library (Debian
# python3-caldav), as its Calendar.freebusy_request sends it (REPORT free-busy-query, RFC 4791
# §7.10). Usage: caldav_freebusy.py CALENDAR_URL LOGIN PASSWORD START END (ISO 8601, UTC);
# prints each FREEBUSY line of the answer.
import datetime
import sys

import caldav

url, user, password, start, end = sys.argv[1:6]
client = caldav.DAVClient(url=url, username=user, password=password)
cal = caldav.Calendar(client=client, url=url)
fb = cal.freebusy_request(
    datetime.datetime.fromisoformat(start.replace("Z", "+00:00")),
    datetime.datetime.fromisoformat(end.replace("Z", "+00:00")),
)
for line in fb.data.replace("\r\n ", "").splitlines():
    if line.startswith(("FREEBUSY", "DTSTART", "DTEND", "SUMMARY")):
        print(line.strip())
