-- Calendar: RFC 5545 §3.8.2.7 TRANSP and §3.8.1.11 STATUS of an event (a single event, a series
-- master or an overridden occurrence). The defaults keep what every earlier event meant: it takes
-- its time (OPAQUE) and takes place (CONFIRMED).
ALTER TABLE cal_event ADD COLUMN transparency VARCHAR(20) DEFAULT 'OPAQUE' NOT NULL;
ALTER TABLE cal_event ADD COLUMN status VARCHAR(20) DEFAULT 'CONFIRMED' NOT NULL;
