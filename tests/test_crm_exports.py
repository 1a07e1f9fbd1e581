"""Whole CRM exports, in the shape the CRMs write them, load every record on both stores.

HubSpot: single- and multi-object exports (``Record ID - Contact`` beside
``Record ID - Company``), multi-select buying roles, legal basis and marketing
contact status, deals in several currencies, meetings. Salesforce: the weekly
Data Export (every field quoted, CRLF, 0/1 booleans, the null lookup id
``000000000000000AAA``) and Data Loader files (``Closed Won`` stage names with
no ``IsClosed``/``IsWon``, ``CurrencyIsoCode``, Events with no ``Type``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from abmgraph.graph.store import EventWindow, GraphStore
from abmgraph.ingest.pipeline import IngestReport, ingest_file
from tests.conftest import score


def crlf(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` as the CRMs do: CRLF line ends, UTF-8."""
    path = folder / name
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return path


def load(store: GraphStore, folder: Path, kind: str, name: str, text: str) -> IngestReport:
    path = crlf(folder, name, text)
    rejects = folder / f"{name}.rejects.csv"
    report = ingest_file(store, kind, path, preset=PRESET[name], rejects_path=rejects, quiet=True)
    assert report.read == report.loaded + report.rejected
    return report


def nullable(column: pd.Series) -> dict[str, object]:
    """A column as {index: plain Python value, or None where missing}."""
    return {
        k: None if pd.isna(v) else getattr(v, "item", lambda v=v: v)() for k, v in column.items()
    }


def engagements(store: GraphStore) -> pd.DataFrame:
    """Every stored event, per contact and type: events and the last one's time."""
    window = EventWindow(pd.Timestamp("2027-01-01", tz="UTC"), 3650, 30, 30, 30)
    summary = store.engagement_summary(window)
    return summary[["contact_id", "type", "events", "last_at"]].sort_values("last_at")


# -- HubSpot ----------------------------------------------------------------------------------
HS_COMPANIES = """"Record ID","Company name","Company Domain Name","Industry","Number of Employees","Annual Revenue","Country/Region","Lifecycle Stage","Create Date"
"8101","Initech","initech.com","COMPUTER_SOFTWARE","1200","50000000","United States","customer","2025-03-02 10:00"
"8102","Umbrella Corporation","umbrella.co.uk","BIOTECHNOLOGY","8000","","United Kingdom","opportunity","2025-04-11 08:30"
"8103","Soylent GmbH","soylent.de","FOOD_PRODUCTION","450","","Germany","lead","2025-05-20 14:00"
"8104","Müller & Söhne AG","mueller-soehne.ch","MACHINERY","90","","Switzerland","lead","2025-06-01 09:00"
"8105","Vandelay Industries","vandelay.com","IMPORT_AND_EXPORT","35","4000000","United States","salesqualifiedlead","2025-07-15 16:45"
"""

# A multi-object export: contacts with their associated company, one row per contact.
HS_CONTACTS = """"Record ID - Contact","First Name","Last Name","Email","Job Title","Buying Role","Legal basis for processing contact's data","Marketing contact status","Unsubscribed from all email","Country/Region","Associated Company Domain","Record ID - Company","Company name"
"9001","Bill","Lumbergh","bill.lumbergh@initech.com","Vice President, Software","Decision Maker;Budget Holder","Legitimate interest – prospect/lead","Marketing contact","","United States","initech.com","8101","Initech"
"9002","Peter","Gibbons","peter@initech.com","Software Engineer","Influencer;End User","Freely given consent from contact","Marketing contact","false","United States","initech.com","8101","Initech"
"9003","Milton","Waddams","milton@initech.com","Collator","End User","","Non-marketing contact","true","United States","initech.com","8101","Initech"
"9004","Samir","Nagheenanajar","samir@initech.com","Software Engineer","Technical Evaluator","Legitimate interest - existing customer","Marketing contact","","","initech.com","8101","Initech"
"9005","Michael","Bolton","michael.bolton@initech.com","Senior Software Engineer","Champion;Influencer;Champion","Freely given consent from contact","Marketing contact","","United States","initech.com","8101","Initech"
"9006","Albert","Wesker","a.wesker@umbrella.co.uk","Chief Executive Officer","Executive Sponsor","Performance of a contract","Marketing contact","","United Kingdom","umbrella.co.uk","8102","Umbrella Corporation"
"9007","Ada","Wong","ada.wong@umbrella.co.uk","Head of Procurement","Legal and Compliance","Legitimate interest – prospect/lead","Marketing contact","","United Kingdom","umbrella.co.uk","8102","Umbrella Corporation"
"9008","William","Birkin","w.birkin@umbrella.co.uk","Director of Research","Blocker","Not applicable","Non-marketing contact","","United Kingdom","umbrella.co.uk","8102","Umbrella Corporation"
"9009","Jill","Valentine","jill@umbrella.co.uk","IT Manager","Decision Maker;Technical Evaluator","Freely given consent from contact","Marketing contact","","United Kingdom","umbrella.co.uk","8102","Umbrella Corporation"
"9010","Carlos","Oliveira","carlos@umbrella.co.uk","","","","Marketing contact","","","umbrella.co.uk","8102","Umbrella Corporation"
"9011","Heinz","Müller","heinz.mueller@soylent.de","Geschäftsführer","Decision Maker","Freely given consent from contact","Marketing contact","","Germany","soylent.de","8103","Soylent GmbH"
"9012","Anna","Schäfer","anna.schaefer@soylent.de","Head of Purchasing","Other","Legitimate interest – prospect/lead","Marketing contact","","Germany","soylent.de","8103","Soylent GmbH"
"9013","Jürgen","Klopp","j.klopp@soylent.de","CFO","Budget Holder","Freely given consent from contact","Marketing contact","","Germany","soylent.de","8103","Soylent GmbH"
"9014","Zoë","Fischer","zoe@soylent.de","Marketing Manager","Champion;End User","Freely given consent from contact","Marketing contact","","Germany","soylent.de","8103","Soylent GmbH"
"9015","Frédéric","Favre","f.favre@mueller-soehne.ch","CTO","Technical Evaluator;Decision Maker","Legitimate interest – prospect/lead","Marketing contact","","Switzerland","mueller-soehne.ch","8104","Müller & Söhne AG"
"9016","Léa","Meier","lea.meier@mueller-soehne.ch","Buyer","","","Non-marketing contact","","Switzerland","mueller-soehne.ch","8104","Müller & Söhne AG"
"9017","Art","Vandelay","art@vandelay.com","CEO","Decision Maker;Budget Holder;Champion","Freely given consent from contact","Marketing contact","","United States","vandelay.com","8105","Vandelay Industries"
"9018","George","Costanza","george@vandelay.com","Sales Director","Influencer","Legitimate interest – prospect/lead","Marketing contact","","United States","vandelay.com","8105","Vandelay Industries"
"9019","Elaine","Benes","elaine@gmail.com","Editor","","","Non-marketing contact","","United States","","",""
"9020","Cosmo","Kramer","kramer@vandelay.com","","End User","","Marketing contact","","United States","vandelay.com","8105","Vandelay Industries"
"""

# Deals with their company, as a multi-object export; stages as ids and as labels.
HS_DEALS = """"Record ID - Deal","Deal Name","Deal Stage","Amount","Currency","Create Date","Close Date","Pipeline","Record ID - Company","Company name"
"7101","Initech renewal","closedwon","48000","USD","2026-01-05 09:00","2026-03-30 00:00","Sales Pipeline","8101","Initech"
"7102","Initech expansion","Closed Won","12000","USD","2026-02-10 09:00","2026-04-15 00:00","Sales Pipeline","8101","Initech"
"7103","Initech TPS module","closedlost","9000","USD","2026-03-01 09:00","2026-05-01 00:00","Sales Pipeline","8101","Initech"
"7104","Initech upsell","contractsent","20000","USD","2026-09-01 09:00","","Sales Pipeline","8101","Initech"
"7105","Umbrella pilot","Closed Won","30000","GBP","2026-01-20 09:00","2026-02-19 00:00","Sales Pipeline","8102","Umbrella Corporation"
"7106","Umbrella lab rollout","Closed Lost","250000","GBP","2026-02-01 09:00","2026-06-01 00:00","Sales Pipeline","8102","Umbrella Corporation"
"7107","Umbrella research","appointmentscheduled","","GBP","2026-10-01 09:00","","Sales Pipeline","8102","Umbrella Corporation"
"7108","Umbrella security","qualifiedtobuy","75000","gbp","2026-10-02 09:00","","Sales Pipeline","8102","Umbrella Corporation"
"7109","Soylent pilot","closedwon","15000","EUR","2026-02-01 09:00","2026-03-03 00:00","Sales Pipeline","8103","Soylent GmbH"
"7110","Soylent plant 2","closedwon","45000","EUR","2026-03-01 09:00","2026-05-30 00:00","Sales Pipeline","8103","Soylent GmbH"
"7111","Soylent plant 3","closedlost","40000","EUR","2026-04-01 09:00","2026-06-30 00:00","Sales Pipeline","8103","Soylent GmbH"
"7112","Soylent logistics","presentationscheduled","22000","EUR","2026-10-10 09:00","","Sales Pipeline","8103","Soylent GmbH"
"7113","Müller Fräsen","Closed Won","18000","CHF","2026-02-15 09:00","2026-04-16 00:00","Sales Pipeline","8104","Müller & Söhne AG"
"7114","Müller Wartung","decisionmakerboughtin","6000","CHF","2026-09-15 09:00","","Sales Pipeline","8104","Müller & Söhne AG"
"7115","Müller Schulung","Closed Lost","3000","CHF","2026-03-15 09:00","2026-04-14 00:00","Sales Pipeline","8104","Müller & Söhne AG"
"7116","Vandelay import","closedwon","8000","USD","2026-01-01 09:00","2026-01-31 00:00","Sales Pipeline","8105","Vandelay Industries"
"7117","Vandelay export","closedlost","5000","USD","2026-02-01 09:00","2026-03-01 00:00","Sales Pipeline","8105","Vandelay Industries"
"7118","Vandelay latex","closedwon","","USD","2026-04-01 09:00","2026-04-21 00:00","Sales Pipeline","8105","Vandelay Industries"
"7119","Vandelay chips","Closed Lost","2500","USD","2026-05-01 09:00","2026-05-11 00:00","Sales Pipeline","8105","Vandelay Industries"
"7120","Vandelay merger","closedwon","100000","USD","2026-06-01 09:00","2026-08-30 00:00","Sales Pipeline","8105","Vandelay Industries"
"""

# Deals with their contacts: one row per deal and contact.
HS_DEAL_CONTACTS = """"Record ID - Deal","Deal Name","Deal Stage","Record ID - Contact","First Name","Last Name","Email"
"7101","Initech renewal","closedwon","9001","Bill","Lumbergh","bill.lumbergh@initech.com"
"7101","Initech renewal","closedwon","9002","Peter","Gibbons","peter@initech.com"
"7105","Umbrella pilot","Closed Won","9006","Albert","Wesker","a.wesker@umbrella.co.uk"
"""

HS_MEETINGS = """"Record ID","Meeting name","Meeting start time","Meeting outcome","Activity date","Associated Contact IDs","Associated Contact Email"
"60001","Discovery","2026-10-01 15:00","Completed","2026-10-01 15:00","9001","bill.lumbergh@initech.com"
"60002","Demo","2026-10-08 15:00","","2026-10-08 15:00","9002;9001","peter@initech.com;bill.lumbergh@initech.com"
"60003","Security review","2026-10-09 10:00","No show","2026-10-09 10:00","9009","jill@umbrella.co.uk"
"60004","Pricing call","2026-10-12 11:00","Scheduled","2026-10-12 11:00","","zoe@soylent.de"
"60005","Kick-off","2026-10-14 09:00","Canceled","2026-10-14 09:00","9017","art@vandelay.com"
"""

# -- Salesforce ---------------------------------------------------------------------------------
# The weekly Data Export: every field quoted, 0/1 booleans, empty lookups as the null id.
SF_ACCOUNTS = """"Id","IsDeleted","MasterRecordId","Name","Type","ParentId","Website","Industry","NumberOfEmployees","BillingCountry","OwnerId","CurrencyIsoCode"
"0015g00000Ac001AAA","0","000000000000000AAA","Cyberdyne Systems","Customer - Direct","000000000000000AAA","www.cyberdyne.com","Technology","4000","United States","0055g00000Ow001AAA","USD"
"0015g00000Ac002AAA","0","000000000000000AAA","Cyberdyne Europe","Prospect","0015g00000Ac001AAA","cyberdyne.eu","Technology","600","Germany","0055g00000Ow001AAA","EUR"
"0015g00000Ac003AAA","0","000000000000000","Tyrell Corporation","Prospect","000000000000000","https://tyrell.com/","Biotechnology","12000","United States","0055g00000Ow002AAA","USD"
"0015g00000Ac004AAA","0","000000000000000AAA","Wayne Enterprises","Customer - Channel","","wayne.com","Manufacturing","50000","United States","0055g00000Ow002AAA","USD"
"""

SF_CONTACTS = """"Id","IsDeleted","MasterRecordId","AccountId","LastName","FirstName","Title","Department","Email","MailingCountry","ReportsToId","HasOptedOutOfEmail","IsEmailBounced","IndividualId","CreatedDate","OwnerId"
"0035g00000Xc001AAA","0","000000000000000AAA","0015g00000Ac001AAA","Dyson","Miles","Director of Special Projects","Research","miles.dyson@cyberdyne.com","United States","000000000000000AAA","0","0","000000000000000AAA","2025-01-10 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc002AAA","0","000000000000000AAA","0015g00000Ac001AAA","Brewster","Robert","VP Engineering","Engineering","r.brewster@cyberdyne.com","United States","000000000000000AAA","0","0","000000000000000AAA","2025-01-11 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc003AAA","0","000000000000000AAA","0015g00000Ac001AAA","Silberman","Peter","IT Manager","IT","p.silberman@cyberdyne.com","United States","0035g00000Xc002AAA","1","0","000000000000000AAA","2025-01-12 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc004AAA","0","000000000000000AAA","0015g00000Ac001AAA","Connor","Sarah","Procurement Lead","Procurement","sarah.connor@cyberdyne.com","United States","0035g00000Xc002AAA","0","1","000000000000000AAA","2025-01-13 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc005AAA","0","000000000000000AAA","0015g00000Ac001AAA","Reese","Kyle","Engineer","Engineering","kyle.reese@cyberdyne.com","United States","0035g00000Xc002AAA","0","0","000000000000000AAA","2025-01-14 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc006AAA","0","000000000000000AAA","0015g00000Ac002AAA","Weber","Klaus","Geschäftsführer","","klaus.weber@cyberdyne.eu","Germany","000000000000000AAA","0","0","000000000000000AAA","2025-02-01 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc007AAA","0","000000000000000AAA","0015g00000Ac002AAA","Köhler","Jana","Head of IT","IT","jana.koehler@cyberdyne.eu","Germany","0035g00000Xc006AAA","0","0","000000000000000AAA","2025-02-02 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc008AAA","0","000000000000000AAA","000000000000000AAA","Braun","Tobias","Finance Manager","Finance","tobias.braun@cyberdyne.eu","Germany","000000000000000AAA","0","0","000000000000000AAA","2025-02-03 09:00:00","0055g00000Ow001AAA"
"0035g00000Xc009AAA","0","000000000000000AAA","0015g00000Ac003AAA","Tyrell","Eldon","CEO","Executive","eldon@tyrell.com","United States","000000000000000AAA","0","0","000000000000000AAA","2025-03-01 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc010AAA","0","000000000000000AAA","0015g00000Ac003AAA","Sebastian","J.F.","Genetic Designer","Research","jf.sebastian@tyrell.com","United States","0035g00000Xc009AAA","0","0","000000000000000AAA","2025-03-02 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc011AAA","0","000000000000000AAA","0015g00000Ac003AAA","Rachael","","Assistant to the CEO","Executive","rachael@tyrell.com","United States","0035g00000Xc009AAA","1","0","000000000000000AAA","2025-03-03 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc012AAA","0","000000000000000AAA","0015g00000Ac003AAA","Chew","Hannibal","Lab Technician","Research","chew@tyrell.com","United States","0035g00000Xc010AAA","0","0","000000000000000AAA","2025-03-04 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc013AAA","0","000000000000000AAA","0015g00000Ac003AAA","Holden","Dave","Security Manager","Security","holden@tyrell.com","United States","000000000000000AAA","0","0","000000000000000AAA","2025-03-05 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc014AAA","0","000000000000000AAA","0015g00000Ac004AAA","Wayne","Bruce","Chairman","Executive","bruce@wayne.com","United States","000000000000000AAA","0","0","000000000000000AAA","2025-04-01 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc015AAA","0","000000000000000AAA","0015g00000Ac004AAA","Fox","Lucius","CEO","Executive","lucius.fox@wayne.com","United States","0035g00000Xc014AAA","0","0","000000000000000AAA","2025-04-02 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc016AAA","0","000000000000000AAA","0015g00000Ac004AAA","Pennyworth","Alfred","Head of Operations","Operations","alfred@wayne.com","United States","0035g00000Xc014AAA","0","0","000000000000000AAA","2025-04-03 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc017AAA","0","000000000000000AAA","0015g00000Ac004AAA","Kyle","Selina","Procurement Manager","Procurement","selina.kyle@wayne.com","United States","0035g00000Xc015AAA","1","1","000000000000000AAA","2025-04-04 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc018AAA","0","000000000000000AAA","0015g00000Ac004AAA","Gordon","Barbara","IT Director","IT","barbara.gordon@wayne.com","United States","0035g00000Xc015AAA","0","0","000000000000000AAA","2025-04-05 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc019AAA","0","000000000000000AAA","000000000000000","Nygma","Edward","Analyst","Research","e.nygma@wayne.com","United States","000000000000000","0","0","000000000000000","2025-04-06 09:00:00","0055g00000Ow002AAA"
"0035g00000Xc020AAA","0","000000000000000AAA","0015g00000Ac004AAA","Drake","Tim","Intern","Engineering","tim.drake@wayne.com","United States","0035g00000Xc018AAA","0","0","000000000000000AAA","2025-04-07 09:00:00","0055g00000Ow002AAA"
"""

# A Data Loader export of Opportunity: stage names only (no IsClosed / IsWon), currencies.
SF_OPPORTUNITIES = """"Id","AccountId","Name","StageName","Amount","CurrencyIsoCode","Probability","CloseDate","CreatedDate","CampaignId","ContactId","OwnerId"
"0065g00000Op001AAA","0015g00000Ac001AAA","Skynet core","Closed Won","250000","USD","100","2026-03-31","2026-01-02T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow001AAA"
"0065g00000Op002AAA","0015g00000Ac001AAA","Skynet support","Closed Won","50000","USD","100","2026-05-31","2026-03-01T10:00:00.000Z","7015g00000Cp001AAA","0035g00000Xc002AAA","0055g00000Ow001AAA"
"0065g00000Op003AAA","0015g00000Ac001AAA","T-800 pilot","Closed Lost","80000","USD","0","2026-06-30","2026-02-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow001AAA"
"0065g00000Op004AAA","0015g00000Ac001AAA","T-1000 research","Closed Lost","120000","USD","0","2026-07-31","2026-04-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow001AAA"
"0065g00000Op005AAA","0015g00000Ac002AAA","EU rollout","Closed Won","40000","EUR","100","2026-04-30","2026-02-15T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow001AAA"
"0065g00000Op006AAA","0015g00000Ac002AAA","EU support","Closed Won","10000","EUR","100","2026-06-30","2026-04-15T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow001AAA"
"0065g00000Op007AAA","0015g00000Ac002AAA","EU training","Closed Lost","5000","EUR","0","2026-05-31","2026-03-15T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow001AAA"
"0065g00000Op008AAA","0015g00000Ac002AAA","EU hardware","Closed Won","20000","EUR","100","2026-08-31","2026-06-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow001AAA"
"0065g00000Op009AAA","0015g00000Ac003AAA","Nexus-6 line","Prospecting","900000","USD","10","2026-12-31","2026-09-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op010AAA","0015g00000Ac003AAA","Voight-Kampff kits","Qualification","30000","USD","10","2026-12-31","2026-09-15T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op011AAA","0015g00000Ac003AAA","Owl replicas","Needs Analysis","15000","USD","20","2027-01-31","2026-10-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op012AAA","0015g00000Ac003AAA","Off-world colonies","Negotiation/Review","2000000","USD","90","2027-03-31","2026-08-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op013AAA","0015g00000Ac004AAA","Batwing parts","Closed Won","70000","USD","100","2026-02-28","2026-01-10T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op014AAA","0015g00000Ac004AAA","Tumbler armour","Closed Won","130000","USD","100","2026-04-30","2026-02-10T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op015AAA","0015g00000Ac004AAA","Cave lighting","Closed Lost","9000","USD","0","2026-03-31","2026-02-20T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op016AAA","0015g00000Ac004AAA","Applied Sciences","Closed Won","60000","USD","100","2026-06-30","2026-05-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op017AAA","0015g00000Ac004AAA","Wayne Tower IT","Closed Lost","45000","USD","0","2026-07-31","2026-05-15T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op018AAA","0015g00000Ac004AAA","Gotham grid","Closed Won","","USD","100","2026-08-31","2026-06-15T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op019AAA","0015g00000Ac004AAA","Arkham security","Closed Lost","12000","USD","0","2026-09-30","2026-07-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"0065g00000Op020AAA","0015g00000Ac004AAA","Foundation grant","Closed Won","25000","USD","100","2026-10-15","2026-09-01T10:00:00.000Z","000000000000000AAA","000000000000000AAA","0055g00000Ow002AAA"
"""

# Events: most carry no Type; an Event is a meeting unless its Type says otherwise.
SF_EVENTS = """"Id","WhoId","WhatId","AccountId","Subject","Type","EventSubtype","StartDateTime","EndDateTime","DurationInMinutes","IsAllDayEvent","ActivityDate","OwnerId"
"00U5g00000Ev001AAA","0035g00000Xc001AAA","0065g00000Op001AAA","0015g00000Ac001AAA","Kick-off","","Event","2026-10-01T15:00:00.000Z","2026-10-01T16:00:00.000Z","60","0","2026-10-01","0055g00000Ow001AAA"
"00U5g00000Ev002AAA","0035g00000Xc002AAA","0065g00000Op001AAA","0015g00000Ac001AAA","Architecture review","","Event","2026-10-02T15:00:00.000Z","2026-10-02T16:00:00.000Z","60","0","2026-10-02","0055g00000Ow001AAA"
"00U5g00000Ev003AAA","0035g00000Xc003AAA","000000000000000AAA","0015g00000Ac001AAA","Lunch","","Event","2026-10-03T12:00:00.000Z","2026-10-03T13:00:00.000Z","60","0","2026-10-03","0055g00000Ow001AAA"
"00U5g00000Ev004AAA","0035g00000Xc004AAA","000000000000000AAA","0015g00000Ac001AAA","Pricing","Meeting","Event","2026-10-04T15:00:00.000Z","2026-10-04T16:00:00.000Z","60","0","2026-10-04","0055g00000Ow001AAA"
"00U5g00000Ev005AAA","0035g00000Xc005AAA","000000000000000AAA","0015g00000Ac001AAA","Demo","Demo","Event","2026-10-05T15:00:00.000Z","2026-10-05T16:00:00.000Z","60","0","2026-10-05","0055g00000Ow001AAA"
"00U5g00000Ev006AAA","0035g00000Xc006AAA","000000000000000AAA","0015g00000Ac002AAA","Erstgespräch","","Event","2026-10-06T08:00:00.000Z","2026-10-06T09:00:00.000Z","60","0","2026-10-06","0055g00000Ow001AAA"
"00U5g00000Ev007AAA","0035g00000Xc007AAA","000000000000000AAA","0015g00000Ac002AAA","Technik-Workshop","","Event","2026-10-07T08:00:00.000Z","2026-10-07T12:00:00.000Z","240","0","2026-10-07","0055g00000Ow001AAA"
"00U5g00000Ev008AAA","0035g00000Xc008AAA","000000000000000AAA","0015g00000Ac002AAA","Budget call","Call","Event","2026-10-08T08:00:00.000Z","2026-10-08T08:30:00.000Z","30","0","2026-10-08","0055g00000Ow001AAA"
"00U5g00000Ev009AAA","0035g00000Xc009AAA","0065g00000Op009AAA","0015g00000Ac003AAA","Executive briefing","","Event","2026-10-09T17:00:00.000Z","2026-10-09T18:00:00.000Z","60","0","2026-10-09","0055g00000Ow002AAA"
"00U5g00000Ev010AAA","0035g00000Xc010AAA","0065g00000Op009AAA","0015g00000Ac003AAA","Lab tour","","Event","2026-10-10T17:00:00.000Z","2026-10-10T18:00:00.000Z","60","0","2026-10-10","0055g00000Ow002AAA"
"00U5g00000Ev011AAA","0035g00000Xc011AAA","000000000000000AAA","0015g00000Ac003AAA","Follow-up","","Event","2026-10-11T17:00:00.000Z","2026-10-11T18:00:00.000Z","60","0","2026-10-11","0055g00000Ow002AAA"
"00U5g00000Ev012AAA","0035g00000Xc012AAA","000000000000000AAA","0015g00000Ac003AAA","Specs","","Event","2026-10-12T17:00:00.000Z","2026-10-12T18:00:00.000Z","60","0","2026-10-12","0055g00000Ow002AAA"
"00U5g00000Ev013AAA","0035g00000Xc013AAA","000000000000000AAA","0015g00000Ac003AAA","Security review","Meeting","Event","2026-10-13T17:00:00.000Z","2026-10-13T18:00:00.000Z","60","0","2026-10-13","0055g00000Ow002AAA"
"00U5g00000Ev014AAA","0035g00000Xc014AAA","0065g00000Op020AAA","0015g00000Ac004AAA","Board dinner","","Event","2026-10-14T19:00:00.000Z","2026-10-14T22:00:00.000Z","180","0","2026-10-14","0055g00000Ow002AAA"
"00U5g00000Ev015AAA","0035g00000Xc015AAA","0065g00000Op020AAA","0015g00000Ac004AAA","Grant terms","","Event","2026-10-15T15:00:00.000Z","2026-10-15T16:00:00.000Z","60","0","2026-10-15","0055g00000Ow002AAA"
"00U5g00000Ev016AAA","0035g00000Xc016AAA","000000000000000AAA","0015g00000Ac004AAA","Ops sync","","Event","2026-10-16T15:00:00.000Z","2026-10-16T16:00:00.000Z","60","0","2026-10-16","0055g00000Ow002AAA"
"00U5g00000Ev017AAA","0035g00000Xc017AAA","000000000000000AAA","0015g00000Ac004AAA","Contract","","Event","2026-10-17T15:00:00.000Z","2026-10-17T16:00:00.000Z","60","0","2026-10-17","0055g00000Ow002AAA"
"00U5g00000Ev018AAA","0035g00000Xc018AAA","000000000000000AAA","0015g00000Ac004AAA","Integration","Call","Event","2026-10-18T15:00:00.000Z","2026-10-18T16:00:00.000Z","60","0","2026-10-18","0055g00000Ow002AAA"
"00U5g00000Ev019AAA","0035g00000Xc019AAA","000000000000000AAA","0015g00000Ac004AAA","Puzzle","","Event","2026-10-19T15:00:00.000Z","2026-10-19T16:00:00.000Z","60","0","2026-10-19","0055g00000Ow002AAA"
"00U5g00000Ev020AAA","0035g00000Xc020AAA","000000000000000AAA","0015g00000Ac004AAA","Onboarding","","Event","2026-10-20T00:00:00.000Z","2026-10-21T00:00:00.000Z","1440","1","2026-10-20","0055g00000Ow002AAA"
"""

PRESET = {
    "hubspot-companies.csv": "hubspot",
    "hubspot-contacts-with-companies.csv": "hubspot",
    "hubspot-deals-with-companies.csv": "hubspot",
    "hubspot-deals-with-contacts.csv": "hubspot",
    "hubspot-meetings.csv": "hubspot",
    "Account.csv": "salesforce",
    "Contact.csv": "salesforce",
    "Opportunity.csv": "salesforce",
    "Event.csv": "salesforce",
}


@pytest.fixture
def hubspot(store: GraphStore, tmp_path: Path) -> GraphStore:
    for kind, name, text, rows in (
        ("accounts", "hubspot-companies.csv", HS_COMPANIES, 5),
        ("contacts", "hubspot-contacts-with-companies.csv", HS_CONTACTS, 20),
        ("opportunities", "hubspot-deals-with-companies.csv", HS_DEALS, 20),
        ("opportunity-contacts", "hubspot-deals-with-contacts.csv", HS_DEAL_CONTACTS, 3),
    ):
        report = load(store, tmp_path, kind, name, text)
        assert (report.read, report.loaded, report.rejected) == (rows, rows, 0), name
    return store


@pytest.fixture
def salesforce(store: GraphStore, tmp_path: Path) -> GraphStore:
    for kind, name, text, rows in (
        ("accounts", "Account.csv", SF_ACCOUNTS, 4),
        ("contacts", "Contact.csv", SF_CONTACTS, 20),
        ("opportunities", "Opportunity.csv", SF_OPPORTUNITIES, 20),
        ("engagements", "Event.csv", SF_EVENTS, 20),
    ):
        report = load(store, tmp_path, kind, name, text)
        assert (report.read, report.loaded, report.rejected) == (rows, rows, 0), name
    return store


# -- HubSpot ------------------------------------------------------------------------------------
def test_hubspot_multi_object_contacts_keep_every_role(hubspot: GraphStore) -> None:
    contacts = hubspot.table("contacts").set_index("contact_id").sort_index()
    assert len(contacts) == 20
    roles = nullable(contacts["buying_role"])
    assert roles["9001"] == "decision_maker;economic_buyer"
    assert roles["9002"] == "end_user;influencer"  # stored in vocabulary order
    assert roles["9005"] == "champion;influencer"  # a repeated item counts once
    assert roles["9007"] == "legal_procurement"
    assert roles["9017"] == "decision_maker;economic_buyer;champion"
    assert roles["9010"] is None
    # The company of the row is the contact's company: "Record ID - Company".
    assert nullable(contacts["account_id"]) == {
        **{f"90{i:02d}": "8101" for i in range(1, 6)},
        **{f"90{i:02d}": "8102" for i in range(6, 11)},
        **{f"90{i:02d}": "8103" for i in range(11, 15)},
        "9015": "8104",
        "9016": "8104",
        "9017": "8105",
        "9018": "8105",
        "9019": None,  # no company, free-mail address: left unmatched
        "9020": "8105",
    }
    assert contacts.loc["9019", "company_domain"] is None or pd.isna(
        contacts.loc["9019", "company_domain"]
    )
    assert contacts.loc["9004", "company_domain"] == "initech.com"


def test_hubspot_consent_lawful_basis_and_marketing_status(hubspot: GraphStore) -> None:
    contacts = hubspot.table("contacts").set_index("contact_id").sort_index()
    # Three states: only "Freely given consent" is consent; no basis says nothing.
    consent = nullable(contacts["consent"])
    assert {k for k, v in consent.items() if v is True} == {
        "9002",
        "9005",
        "9009",
        "9011",
        "9013",
        "9014",
        "9017",
    }
    assert not any(v is False for v in consent.values())
    basis = nullable(contacts["lawful_basis"])
    assert (basis["9001"], basis["9004"], basis["9006"], basis["9008"], basis["9002"]) == (
        "legitimate_interest",
        "legitimate_interest",
        "contract",
        "not_applicable",
        "consent",
    )
    assert basis["9003"] is None
    marketing = nullable(contacts["marketing_contact"])
    assert {k for k, v in marketing.items() if v == "false"} == {"9003", "9008", "9016", "9019"}
    # "Unsubscribed from all email" is the only opt-out.
    opted = nullable(contacts["opted_out"])
    assert {k for k, v in opted.items() if v is True} == {"9003"}
    assert opted["9002"] is False


def test_hubspot_deal_stages_ids_labels_and_currencies(hubspot: GraphStore) -> None:
    deals = hubspot.table("opportunities").set_index("opportunity_id").sort_index()
    won = {k for k, v in nullable(deals["is_won"]).items() if v is True}
    closed = {k for k, v in nullable(deals["is_closed"]).items() if v is True}
    assert won == {"7101", "7102", "7105", "7109", "7110", "7113", "7116", "7118", "7120"}
    lost = {"7103", "7106", "7111", "7115", "7117", "7119"}
    assert closed == won | lost
    assert deals.loc["7105", "account_id"] == "8102"
    assert deals["currency"].to_dict() == {
        **{k: "USD" for k in ("7101", "7102", "7103", "7104")},
        **{k: "GBP" for k in ("7105", "7106", "7107", "7108")},  # "gbp" is upper-cased
        **{k: "EUR" for k in ("7109", "7110", "7111", "7112")},
        **{k: "CHF" for k in ("7113", "7114", "7115")},
        **{k: "USD" for k in ("7116", "7117", "7118", "7119", "7120")},
    }
    roles = hubspot.table("opportunity_contacts")
    pairs = sorted(zip(roles["opportunity_id"], roles["contact_id"], strict=True))
    assert pairs == [("7101", "9001"), ("7101", "9002"), ("7105", "9006")]


def test_hubspot_meetings_are_meetings_unless_they_did_not_happen(
    hubspot: GraphStore, tmp_path: Path
) -> None:
    report = load(hubspot, tmp_path, "engagements", "hubspot-meetings.csv", HS_MEETINGS)
    assert (report.read, report.loaded, report.rejected) == (5, 3, 2)
    events = engagements(hubspot)
    assert events["contact_id"].tolist() == ["9001", "9002", "9014"]  # 9014 from the email
    assert events["type"].tolist() == ["meeting_held"] * 3
    assert events["events"].tolist() == [1, 1, 1]
    reasons = pd.read_csv(report.rejects_file, dtype=str)["reason"].tolist()
    assert reasons == [
        "'No show': the meeting did not take place",
        "'Canceled': the meeting did not take place",
    ]


# -- Salesforce ---------------------------------------------------------------------------------
def test_salesforce_null_lookup_id_reads_as_empty(salesforce: GraphStore) -> None:
    accounts = salesforce.table("accounts").set_index("account_id").sort_index()
    assert nullable(accounts["parent_account_id"]) == {
        "0015g00000Ac001AAA": None,
        "0015g00000Ac002AAA": "0015g00000Ac001AAA",
        "0015g00000Ac003AAA": None,  # the 15-character null id
        "0015g00000Ac004AAA": None,
    }
    assert accounts["masterrecordid"].isna().all()  # a kept lookup column too
    contacts = salesforce.table("contacts").set_index("contact_id").sort_index()
    assert contacts["individualid"].isna().all()
    assert pd.isna(contacts.loc["0035g00000Xc001AAA", "manager_id"])
    assert contacts.loc["0035g00000Xc003AAA", "manager_id"] == "0035g00000Xc002AAA"
    # An empty AccountId falls back to the email domain, as any missing account does.
    assert contacts.loc["0035g00000Xc008AAA", "account_id"] == "0015g00000Ac002AAA"
    assert contacts.loc["0035g00000Xc019AAA", "account_id"] == "0015g00000Ac004AAA"
    assert contacts.loc["0035g00000Xc008AAA", "account_match"] == "email_domain"
    # 0/1 booleans of the Data Export.
    opted = {k for k, v in nullable(contacts["opted_out"]).items() if v is True}
    assert opted == {"0035g00000Xc003AAA", "0035g00000Xc011AAA", "0035g00000Xc017AAA"}
    bounced = set(contacts.index[contacts["email_status"] == "bounced"])
    assert bounced == {"0035g00000Xc004AAA", "0035g00000Xc017AAA"}


def test_salesforce_stage_names_close_deals(salesforce: GraphStore) -> None:
    deals = salesforce.table("opportunities").set_index("opportunity_id").sort_index()
    won = {k[-6:-3] for k, v in nullable(deals["is_won"]).items() if v is True}
    closed = {k[-6:-3] for k, v in nullable(deals["is_closed"]).items() if v is True}
    assert won == {"001", "002", "005", "006", "008", "013", "014", "016", "018", "020"}
    assert closed == won | {"003", "004", "007", "015", "017", "019"}
    assert {k[-6:-3] for k, v in nullable(deals["is_closed"]).items() if v is False} == {
        "009",
        "010",
        "011",
        "012",
    }
    assert deals["campaignid"].notna().sum() == 1
    assert deals.loc["0065g00000Op005AAA", "currency"] == "EUR"
    # A won deal is not an open one: only Tyrell, with open deals, is in the purchase stage.
    score(salesforce)
    stages = salesforce.scores("accounts").set_index("account_id")["stage"].to_dict()
    assert stages["0015g00000Ac003AAA"] == "purchase"
    assert {k for k, v in stages.items() if v == "purchase"} == {"0015g00000Ac003AAA"}


def test_salesforce_events_without_type_are_meetings(salesforce: GraphStore) -> None:
    events = engagements(salesforce)
    assert len(events) == 20 and events["events"].sum() == 20
    assert set(events["type"]) == {"meeting_held"}
    assert events["contact_id"].iloc[0] == "0035g00000Xc001AAA"
    assert events["last_at"].iloc[0] == pd.Timestamp("2026-10-01T15:00:00Z")
