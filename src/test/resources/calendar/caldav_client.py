# Drives Musubi's CalDAV server with the python caldav library (Debian python3-caldav).
# Usage: caldav_client.py URL LOGIN PASSWORD; prints one line per check, exits 1 on failure.
import datetime
import sys

import caldav

url, user, password = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password=password)
principal = client.principal()
print("PRINCIPAL", principal.url)
calendars = principal.calendars()
names = sorted(c.name for c in calendars)
print("CALENDARS", ",".join(names))
cal = [c for c in calendars if c.name == "マイカレンダー"][0]

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//caldav//EN
BEGIN:VEVENT
UID:caldav-test-1@example.com
DTSTART;TZID=Asia/Tokyo:20260406T100000
DTEND;TZID=Asia/Tokyo:20260406T110000
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:CalDAV 定例
END:VEVENT
END:VCALENDAR
"""
event = cal.save_event(ICS)
print("SAVED", event.url)

found = cal.date_search(
    start=datetime.datetime(2026, 4, 12, tzinfo=datetime.timezone.utc),
    end=datetime.datetime(2026, 4, 14, tzinfo=datetime.timezone.utc),
)
print("SEARCH_HIT", len(found))
miss = cal.date_search(
    start=datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc),
    end=datetime.datetime(2026, 6, 8, tzinfo=datetime.timezone.utc),
)
print("SEARCH_MISS", len(miss))

synced = cal.objects_by_sync_token(load_objects=True)
token = synced.sync_token
print("SYNC_ALL", len(list(synced)))

event.load()
print("LOADED", "CalDAV 定例" in event.data)
event.data = event.data.replace("CalDAV 定例", "CalDAV 定例（変更）")
event.save()
again = cal.event_by_url(event.url)
again.load()
print("UPDATED", "（変更）" in again.data)

changes = cal.objects_by_sync_token(sync_token=token, load_objects=False)
print("SYNC_CHANGED", len(list(changes)))
token2 = changes.sync_token

again.delete()
gone = cal.objects_by_sync_token(sync_token=token2, load_objects=False)
print("SYNC_DELETED", len(list(gone)))
print("LEFT", len(cal.events()))
