"""Twenty-row files in the shapes real CRM exports take: every record loads, nothing is lost.

Each file carries the problems such exports really have (a misspelt country, an
Excel error in a cell, an id Excel turned into a number, a truncated email). The
record always loads; the bad value is blanked, kept as ``<field>_invalid`` and
named in a warning line of the rejects file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import IngestReport, ingest_file


def load(store: EmbeddedStore, folder: Path, kind: str, name: str, body: str, **options):
    path = folder / name
    path.write_text(body, encoding="utf-8", newline="")
    rejects = folder / f"{kind}.rejects.csv"
    return ingest_file(store, kind, path, rejects_path=rejects, quiet=True, **options)


def warned(report: IngestReport) -> list[list[str]]:
    table = pd.read_csv(report.rejects_file, dtype=str, keep_default_na=False)
    assert set(table["severity"]) == {"warning"}
    return table[["source_line", "field"]].values.tolist()


def utc(value: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz="UTC")


# -- A weekly Salesforce Data Export: every field quoted, YYYY-MM-DD HH:MM:SS, 0/1 ----------
SF_ACCOUNTS = """\
"Id","Name","Website","Industry","NumberOfEmployees","AnnualRevenue","BillingCountry","Type","CreatedDate"
"001Q000000AC001","Acme Corp","www.acme.com","Software","1200","150000000","United States","Customer - Direct","2023-03-14 09:26:53"
"001Q000000AC002","Globex","http://globex.com","Manufacturing","5400","900000000","United States","Prospect","2023-03-14 09:27:10"
"001Q000000AC003","Initech","initech.com","Software","80","","United States","","2023-04-02 16:00:00"
"001Q000000AC004","Umbrella plc","https://www.umbrella.co.uk/","Pharmaceuticals","22000","4100000000","United Kingdom","Customer - Channel","2023-05-20 11:45:00"
"001Q000000AC005","Hooli","hooli.com","Software","","","Untied States","Prospect","2023-06-01 08:00:00"
"001Q000000AC006","Vandelay Industries","vandelay.com","Wholesale","45","","USA","","2023-06-03 10:10:10"
"001Q000000AC007","Stark Industries","stark.com","Aerospace","31000","","United States","Customer - Direct","2023-06-04 12:00:00"
"001Q000000AC008","Wayne Enterprises","wayne.com","Conglomerate","","","US","","2023-07-19 13:30:00"
"001Q000000AC009","Wonka Foods","wonka.com","Food & Beverage","-5","2500000","United Kingdom","Prospect","2023-08-08 08:08:08"
"001Q000000AC010","Soylent","soylent.com","Food & Beverage","900","","United States","","2023-09-09 09:09:09"
"001Q000000AC011","Tyrell","tyrell.com","Biotechnology","","","Japan","","2023-10-10 10:10:10"
"001Q000000AC012","Cyberdyne","cyberdyne.com","Software","1500","","United States","Prospect","2023-11-11 11:11:11"
"001Q000000AC013","Oscorp","n/a","Chemicals","","","United States","","2023-12-12 12:12:12"
"001Q000000AC014","Aperture","aperture.com","Research","300","","United States","","2024-01-22 16:14:25"
"001Q000000AC015","Black Mesa","blackmesa.com","Research","","","United States","","2024-01-23 08:00:00"
"001Q000000AC016","Gringotts","gringotts.co.uk","Banking","700","","United Kingdom","Customer - Direct","2024-02-01 09:00:00"
"001Q000000AC017","Monarch GmbH","monarch.de","Logistics","120","1e309","Germany","","2024-02-02 10:00:00"
"001Q000000AC018","Dunder Mifflin","dundermifflin.com","Paper","","","United States","","2024-02-03 11:00:00"
"001Q000000AC019","Pied Piper","","","","","","",""
"001Q000000AC020","Massive Dynamic","massivedynamic.com","Technology","8000","","United States","Prospect","2024-02-05 13:00:00"
"""

SF_CONTACTS = """\
"Id","AccountId","FirstName","LastName","Email","Title","Phone","MailingCountry","HasOptedOutOfEmail","IsEmailBounced","CreatedDate"
"003Q000000CT001","001Q000000AC001","Jane","Doe","jane.doe@acme.com","VP Marketing","(415) 555-2671","United States","0","0","2023-03-15 10:00:00"
"003Q000000CT002","001Q000000AC001","John","Roe","jdoe@","Software Engineer","","United States","0","0","2023-03-15 10:05:00"
"003Q000000CT003","001Q000000AC002","Ann","Lee","ann.lee@globex.com","CFO","","United States","0","0","2023-03-16 09:00:00"
"003Q000000CT004","001Q000000AC005","Raj","Patel","raj@hooli.com","Head of IT","","United States","0","0","2023-06-02 09:00:00"
"003Q000000CT005","001Q000000AC005","Mia","Wong","mia@hooli.com","","","","","","2023-06-02 09:30:00"
"003Q000000CT006","001Q000000AC017","Lena","Vogel","lena.vogel@monarch.de","Einkaufsleiterin","","Germny","0","0","2024-02-02 11:00:00"
"003Q000000CT007","001Q000000AC004","Tom","Hart","tom.hart@umbrella.co.uk","Procurement Manager","020 7946 0018","United Kingdom","0","0","2023-05-21 10:00:00"
"003Q000000CT008","001Q000000AC007","Pepper","Potts","pepper@stark.com","CEO","","United States","0","0","2023-06-05 10:00:00"
"003Q000000CT009","001Q000000AC008","Lucius","Fox","lucius@wayne.com","CTO","","United States","0","0","2023-07-20 10:00:00"
"003Q000000CT010","001Q000000AC009","Charlie","Bucket","charlie@wonka.com","Intern","","United Kingdom","0","0","2023-08-09 10:00:00"
"003Q000000CT011","","Promo","Hunter","promo@mailinator.com","","","","0","0","2023-08-10 10:00:00"
"003Q000000CT012","001Q000000AC010","Sol","Green","sol@soylent.com","Director of Operations","","United States","1","0","2023-09-10 10:00:00"
"003Q000000CT013","001Q000000AC011","Rachael","Tyrell","rachael@tyrell.com","Research Lead","","Japan","0","0","2023-10-11 10:00:00"
"003Q000000CT014","001Q000000AC012","Miles","Dyson","miles@cyberdyne.com","Director of Engineering","","United States","0","0","2023-11-12 10:00:00"
"003Q000000CT015","001Q000000AC013","Norman","Osborn","norman@oscorp.com","CEO","","United States","2","0","2023-12-13 10:00:00"
"003Q000000CT016","001Q000000AC014","Cave","Johnson","cave@aperture.com","Founder","","United States","0","0","2024-01-23 10:00:00"
"003Q000000CT017","001Q000000AC015","Gordon","Freeman","gordon@blackmesa.com","Research Associate","","United States","0","0","2024-01-24 10:00:00"
"003Q000000CT018","001Q000000AC016","Griphook","","griphook@gringotts.co.uk","Head of Security","","United Kingdom","0","0","2024-02-02 10:00:00"
"003Q000000CT019","001Q000000AC018","Michael","Scott","michael@dundermifflin.com","Regional Manager","","United States","0","0","2024-02-04 10:00:00"
"003Q000000CT020","001Q000000AC020","Nina","Sharp","nina@massivedynamic.com","COO","","United States","0","1","2024-02-06 10:00:00"
"""

SF_OPPORTUNITIES = """\
"Id","AccountId","Name","StageName","Amount","CloseDate","IsClosed","IsWon","CreatedDate"
"006Q000000OP001","001Q000000AC005","Hooli - Platform","Prospecting","50000","2026-03-31","0","0","2025-11-04 16:14:25"
"006Q000000OP002","001Q000000AC005","Hooli - Add-on","Closed Won","12000","2025-12-15","1","1","2025-10-01 09:00:00"
"006Q000000OP003","001Q000000AC005","Hooli - Renewal","Closed Lost","8000","2025-09-30","1","0","2025-06-01 09:00:00"
"006Q000000OP004","001Q000000AC001","Acme - Expansion","Negotiation","75000","2026-02-28","0","0","2025-12-01 10:00:00"
"006Q000000OP005","001Q000000AC002","Globex - New","Qualification","","2026-04-30","0","0","2026-01-05 10:00:00"
"006Q000000OP006","001Q000000AC003","Initech - Pilot","Prospecting","TBD","2026-05-31","0","0","2026-01-06 10:00:00"
"006Q000000OP007","001Q000000AC004","Umbrella - EMEA","Closed Won","250000","2025-11-30","1","1","2025-05-01 10:00:00"
"006Q000000OP008","001Q000000AC006","Vandelay - Import","Closed Lost","3000","2025-08-31","1","0","2025-04-01 10:00:00"
"006Q000000OP009","001Q000000AC007","Stark - Suits","Proposal","900000","2026-06-30","0","0","2025-12-20 10:00:00"
"006Q000000OP010","001Q000000AC008","Wayne - Security","Prospecting","40000","2026-02-30","0","0","2026-01-07 10:00:00"
"006Q000000OP011","001Q000000AC009","Wonka - Line","Closed Won","18000","2025-10-31","1","1","2025-07-01 10:00:00"
"006Q000000OP012","001Q000000AC010","Soylent - Ops","Qualification","22000","2026-03-15","0","0","2026-01-08 10:00:00"
"006Q000000OP013","001Q000000AC011","Tyrell - Lab","Prospecting","","","0","0","2026-01-09 10:00:00"
"006Q000000OP014","001Q000000AC012","Cyberdyne - AI","Negotiation","500000","2026-03-01","0","0","2025-09-01 10:00:00"
"006Q000000OP015","001Q000000AC013","Oscorp - Renewal","Closed Won","60000","2025-12-31","1","1","2025-06-15 10:00:00"
"006Q000000OP016","001Q000000AC014","Aperture - Portal","Prospecting","15000","2026-07-31","0","0","2026-01-10 10:00:00"
"006Q000000OP017","001Q000000AC016","Gringotts - Vault","Proposal","120000","2026-04-15","0","0","2025-11-20 10:00:00"
"006Q000000OP018","001Q000000AC017","Monarch - Fleet","Qualification","45000","2026-05-15","0","0","2025-12-10 10:00:00"
"006Q000000OP019","001Q000000AC018","Dunder Mifflin - Paper","Closed Lost","5000","2025-07-31","1","0","2025-03-01 10:00:00"
"006Q000000OP020","001Q000000AC020","Massive Dynamic - R&D","Prospecting","350000","2026-08-31","0","0","2026-01-11 10:00:00"
"""


def test_salesforce_data_export_loads_whole(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    accounts = load(store, tmp_path, "accounts", "Account.csv", SF_ACCOUNTS, preset="salesforce")
    assert (accounts.read, accounts.loaded, accounts.rejected, accounts.warnings) == (20, 20, 0, 4)
    assert warned(accounts) == [
        ["6", "country"],
        ["10", "employees"],
        ["14", "domain"],
        ["18", "annual_revenue"],
    ]
    stored = store.table("accounts").set_index("account_id")
    hooli = stored.loc["001Q000000AC005"]
    assert pd.isna(hooli["country"]) and hooli["country_invalid"] == "Untied States"
    assert hooli["domain"] == "hooli.com"
    wonka = stored.loc["001Q000000AC009"]
    assert pd.isna(wonka["employees"]) and wonka["employees_invalid"] == "-5"
    assert wonka["country"] == "GB" and wonka["annual_revenue"] == 2_500_000
    oscorp = stored.loc["001Q000000AC013"]
    assert pd.isna(oscorp["domain"]) and oscorp["domain_invalid"] == "n/a"
    monarch = stored.loc["001Q000000AC017"]
    assert pd.isna(monarch["annual_revenue"]) and monarch["annual_revenue_invalid"] == "1e309"
    assert stored.loc["001Q000000AC004", "domain"] == "umbrella.co.uk"
    assert stored.loc["001Q000000AC006", "country"] == "US"
    assert int(stored["is_customer"].fillna(False).sum()) == 4
    assert stored["country_invalid"].notna().sum() == 1

    contacts = load(store, tmp_path, "contacts", "Contact.csv", SF_CONTACTS, preset="salesforce")
    assert (contacts.read, contacts.loaded, contacts.rejected, contacts.warnings) == (20, 20, 0, 3)
    assert warned(contacts) == [["3", "email"], ["7", "country"], ["16", "opted_out"]]
    people = store.table("contacts").set_index("contact_id")
    john = people.loc["003Q000000CT002"]
    assert pd.isna(john["email"]) and john["email_invalid"] == "jdoe@"
    assert john["email_status"] == "invalid"
    lena = people.loc["003Q000000CT006"]
    assert pd.isna(lena["country"]) and lena["country_invalid"] == "Germny"
    assert lena["account_id"] == "001Q000000AC017"
    norman = people.loc["003Q000000CT015"]
    assert pd.isna(norman["opted_out"]) and norman["opted_out_invalid"] == "2"
    assert bool(people.loc["003Q000000CT012", "opted_out"])
    assert people.loc["003Q000000CT020", "email_status"] == "bounced"
    assert people.loc["003Q000000CT001", "email_status"] == "valid"
    assert bool(people.loc["003Q000000CT011", "is_disposable"])
    assert int(people["is_disposable"].fillna(False).sum()) == 1
    assert people.loc["003Q000000CT001", "phone"] == "+14155552671"

    deals = load(
        store, tmp_path, "opportunities", "Opportunity.csv", SF_OPPORTUNITIES, preset="salesforce"
    )
    assert (deals.read, deals.loaded, deals.rejected, deals.warnings) == (20, 20, 0, 2)
    assert warned(deals) == [["7", "amount"], ["11", "closed_at"]]
    assert deals.date_order is None  # ISO dates only: no order to decide
    opportunities = store.table("opportunities").set_index("opportunity_id")
    # The account with the misspelt country keeps all three of its deals.
    assert (opportunities["account_id"] == "001Q000000AC005").sum() == 3
    first = opportunities.loc["006Q000000OP001"]
    assert first["created_at"] == utc("2025-11-04 16:14:25")
    assert first["closed_at"] == utc("2026-03-31")
    assert not first["is_closed"] and not first["is_won"]
    assert opportunities.loc["006Q000000OP002", ["is_closed", "is_won"]].tolist() == [True, True]
    pilot = opportunities.loc["006Q000000OP006"]
    assert pd.isna(pilot["amount"]) and pilot["amount_invalid"] == "TBD"
    wayne = opportunities.loc["006Q000000OP010"]
    assert pd.isna(wayne["closed_at"]) and wayne["closed_at_invalid"] == "2026-02-30"
    assert opportunities["amount"].sum() == 2_473_000


# -- A developer org saved through a spreadsheet: unquoted, 02/23/26 dates, TRUE/FALSE -------
DEV_ACCOUNTS = """\
Id,Name,Website
001D000000DV001,Edge Communications,edgecomm.com
001D000000DV002,Burlington Textiles,burlington.com
001D000000DV003,Pyramid Construction,pyramid.com
001D000000DV004,Dickenson plc,dickenson.com
001D000000DV005,Grand Hotels,grandhotels.com
"""

DEV_CONTACTS = """\
Id,AccountId,FirstName,LastName,Email,Title,HasOptedOutOfEmail,IsEmailBounced,CreatedDate
003D000000DC001,001D000000DV001,Rose,Gonzalez,rose@edgecomm.com,SVP Procurement,FALSE,FALSE,02/23/26 9:15
003D000000DC002,001D000000DV001,Sean,Forbes,sean@edgecomm.com,CFO,FALSE,FALSE,02/23/26 9:16
003D000000DC003,001D000000DV002,Jack,Rogers,jack@burlington.com,VP Facilities,FALSE,FALSE,02/23/26 9:17
003D000000DC004,001D000000DV003,Pat,Stumuller,pat@pyramid.com,SVP Administration and Finance,TRUE,FALSE,02/23/26 9:18
003D000000DC005,001D000000DV004,Andy,Young,andy@dickenson.com,SVP Operations,FALSE,FALSE,02/23/26 9:19
003D000000DC006,001D000000DV005,Tim,Barr,#N/A,SVP Administration and Finance,FALSE,FALSE,02/23/26 9:20
003D000000DC007,001D000000DV005,John,Bond,john@grandhotels.com,VP Facilities,FALSE,TRUE,02/23/26 9:21
003D000000DC008,001D000000DV001,Stella,Pavlova,stella@edgecomm.com,SVP Production,FALSE,FALSE,02/24/26 10:00
003D000000DC009,001D000000DV002,Lauren,Boyle,lauren@burlington.com,SVP Technology,FALSE,FALSE,02/24/26 10:01
003D000000DC010,001D000000DV003,Babara,Levy,babara@pyramid.com,SVP Operations,FALSE,FALSE,02/24/26 10:02
003D000000DC011,001D000000DV004,Josh,Davis,josh@dickenson.com,Director Warehouse Mgmt,FALSE,FALSE,02/24/26 10:03
003D000000DC012,001D000000DV005,Jane,Grey,jane@grandhotels.com,Dean of Administration,FALSE,FALSE,02/24/26 10:04
003D000000DC013,001D000000DV001,Arthur,Song,arthur@edgecomm.com,CEO,FALSE,FALSE,02/25/26 11:00
003D000000DC014,001D000000DV002,Ashley,James,ashley@burlington.com,VP Finance,FALSE,FALSE,02/25/26 11:01
003D000000DC015,001D000000DV003,Tom,Ripley,tom@pyramid.com,Regional General Manager,FALSE,FALSE,02/25/26 11:02
003D000000DC016,001D000000DV004,Liz,DCruz,liz@dickenson.com,VP Technology,YES PLEASE,FALSE,02/25/26 11:03
003D000000DC017,001D000000DV005,Edna,Frank,edna@grandhotels.com,VP Technology,FALSE,FALSE,02/25/26 11:04
003D000000DC018,001D000000DV001,Avi,Green,avi@edgecomm.com,CFO,FALSE,FALSE,02/26/26 12:00
003D000000DC019,001D000000DV002,Siddartha,Nedaerk,,,FALSE,FALSE,02/26/26 12:01
003D000000DC020,001D000000DV003,Jake,Llorrac,jake@pyramid.com,,,,02/26/26 12:02
"""

DEV_OPPORTUNITIES = """\
Id,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate
006D000000DO001,001D000000DV001,Edge Emergency Generator,Closed Won,75000,02/23/26,TRUE,TRUE,1/5/26 14:03
006D000000DO002,001D000000DV001,Edge Installation,Closed Won,50000,1/15/26,TRUE,TRUE,1/5/26 14:04
006D000000DO003,001D000000DV001,Edge SLA,Closed Won,60000,2/1/26,TRUE,TRUE,1/5/26 14:05
006D000000DO004,001D000000DV002,Burlington Textiles Weaving Plant Generator,Closed Won,235000,TBD,TRUE,TRUE,1/6/26 9:00
006D000000DO005,001D000000DV003,Pyramid Emergency Generators,Prospecting,100000,3/31/26,FALSE,FALSE,1/6/26 9:01
006D000000DO006,001D000000DV004,Dickenson Mobile Generators,Qualification,15000,4/15/26,FALSE,FALSE,1/6/26 9:02
006D000000DO007,001D000000DV005,Grand Hotels Kitchen Generator,Id. Decision Makers,15000,5/1/26,FALSE,FALSE,1/7/26 10:00
006D000000DO008,001D000000DV005,Grand Hotels Emergency Generators,Closed Won,210000,12/15/25,TRUE,TRUE,1/7/26 10:01
006D000000DO009,001D000000DV005,Grand Hotels Guest Portable Generators,Value Proposition,250000,6/30/26,FALSE,FALSE,1/7/26 10:02
006D000000DO010,001D000000DV001,Edge Upgrade,Needs Analysis,40000,7/31/26,FALSE,FALSE,1/8/26 11:00
006D000000DO011,001D000000DV002,Burlington Expansion,Perception Analysis,80000,8/31/26,FALSE,FALSE,1/8/26 11:01
006D000000DO012,001D000000DV003,Pyramid Service,#VALUE!,20000,9/30/26,FALSE,FALSE,1/8/26 11:02
006D000000DO013,001D000000DV004,Dickenson Renewal,Closed Lost,#VALUE!,11/30/25,TRUE,FALSE,1/9/26 12:00
006D000000DO014,001D000000DV005,Grand Hotels SLA,Negotiation/Review,30000,10/31/26,FALSE,FALSE,1/9/26 12:01
006D000000DO015,001D000000DV001,Edge Training,Proposal/Price Quote,12000,11/30/26,FALSE,FALSE,1/9/26 12:02
006D000000DO016,001D000000DV002,Burlington Training,Closed Lost,9000,10/15/25,TRUE,FALSE,1/10/26 8:00
006D000000DO017,001D000000DV003,Pyramid Training,Prospecting,7000,12/31/26,FALSE,FALSE,1/10/26 8:01
006D000000DO018,001D000000DV004,Dickenson Service,Prospecting,,,FALSE,FALSE,1/10/26 8:02
006D000000DO019,001D000000DV005,Grand Hotels Portable,Qualification,5000,1/31/27,FALSE,FALSE,1/10/26 8:03
006D000000DO020,001D000000DV001,Edge Generator Parts,Closed Won,1500,1/2/26,TRUE,TRUE,1/1/26 7:30
"""


def test_developer_org_saved_through_a_spreadsheet_loads_whole(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    load(store, tmp_path, "accounts", "Account.csv", DEV_ACCOUNTS, preset="salesforce")
    contacts = load(store, tmp_path, "contacts", "Contact.csv", DEV_CONTACTS, preset="salesforce")
    assert (contacts.read, contacts.loaded, contacts.rejected, contacts.warnings) == (20, 20, 0, 2)
    assert warned(contacts) == [["7", "email"], ["17", "opted_out"]]
    people = store.table("contacts").set_index("contact_id")
    tim = people.loc["003D000000DC006"]
    assert pd.isna(tim["email"]) and tim["email_invalid"] == "#N/A"
    assert tim["email_status"] == "invalid"
    assert people.loc["003D000000DC016", "opted_out_invalid"] == "YES PLEASE"
    assert bool(people.loc["003D000000DC004", "opted_out"])
    assert people.loc["003D000000DC007", "email_status"] == "bounced"
    assert not bool(people.loc["003D000000DC001", "opted_out"])
    # CreatedDate is not a contract field for contacts: kept as written.
    assert people.loc["003D000000DC001", "createddate"] == "02/23/26 9:15"

    deals = load(
        store, tmp_path, "opportunities", "Opportunity.csv", DEV_OPPORTUNITIES, preset="salesforce"
    )
    assert (deals.read, deals.loaded, deals.rejected, deals.warnings) == (20, 20, 0, 2)
    assert warned(deals) == [["5", "closed_at"], ["14", "amount"]]
    assert deals.date_order == "month-first (from '02/23/26')"
    assert deals.summary_line().endswith("; dates read month-first (from '02/23/26').")
    stored = store.table("opportunities").set_index("opportunity_id")
    first = stored.loc["006D000000DO001"]
    assert first["closed_at"] == utc("2026-02-23")
    assert first["created_at"] == utc("2026-01-05 14:03")
    assert first["is_closed"] and first["is_won"]
    assert stored.loc["006D000000DO002", "closed_at"] == utc("2026-01-15")
    assert stored.loc["006D000000DO020", "closed_at"] == utc("2026-01-02")
    assert stored.loc["006D000000DO019", "closed_at"] == utc("2027-01-31")
    assert stored.loc["006D000000DO004", "closed_at_invalid"] == "TBD"
    assert stored.loc["006D000000DO013", "amount_invalid"] == "#VALUE!"
    # An Excel error in a free-text field is text, not a problem.
    assert stored.loc["006D000000DO012", "stage"] == "#VALUE!"
    assert stored["amount"].sum() == 1_214_500


# -- HubSpot exports that went through Excel: numeric ids turned into 1.11015E+11 ------------
HS_COMPANIES = """\
Record ID,Company name,Company Domain Name,Number of Employees,Annual Revenue,Country/Region,Lifecycle Stage,Create Date
111015000001,Northwind,northwind.com,"1,200",,United States,customer,2/23/2026 14:05
111015000002,Contoso,contoso.com,450,"$12,000,000",United States,lead,2/23/2026 14:06
111015000003,Fabrikam,fabrikam.com,90,,Canada,opportunity,2/23/2026 14:07
1.11015E+11,Tailspin Toys,tailspintoys.com,35,,United States,lead,2/23/2026 14:08
111015000005,Litware,litware.com,,,United Kingdom,,2/24/2026 9:00
111015000006,Adventure Works,adventure-works.com,3000,,United States,customer,2/24/2026 9:01
111015000007,Woodgrove Bank,woodgrovebank.com,12000,,United States,lead,2/24/2026 9:02
111015000008,Proseware,proseware.com,60,,Narnia,lead,2/24/2026 9:03
111015000009,Lucerne Publishing,lucernepublishing.com,200,,Switzerland,,2/24/2026 9:04
111015000010,Wingtip Toys,wingtiptoys.com,25,,United States,lead,2/25/2026 10:00
111015000011,Alpine Ski House,alpineskihouse.com,40,,Austria,lead,2/25/2026 10:01
111015000012,Blue Yonder Airlines,blueyonderairlines.com,5500,,United States,customer,2/25/2026 10:02
111015000013,Coho Winery,cohowinery.com,#VALUE!,,United States,lead,2/25/2026 10:03
111015000014,Consolidated Messenger,consolidatedmessenger.com,700,,United States,lead,2/25/2026 10:04
111015000015,Graphic Design Institute,graphicdesigninstitute.com,15,,United States,,2/26/2026 11:00
111015000016,Humongous Insurance,humongousinsurance.com,9000,,United States,opportunity,2/26/2026 11:01
111015000017,Margie's Travel,margiestravel.com,30,,United States,lead,2/26/2026 11:02
111015000018,Relecloud,relecloud.com,800,,United States,lead,2/26/2026 11:03
111015000019,School of Fine Art,fineartschool.net,120,,United States,,2/26/2026 11:04
111015000020,Trey Research,treyresearch.net,65,,United States,lead,2/27/2026 12:00
"""

HS_CONTACTS = """\
Record ID,First Name,Last Name,Email,Job Title,Phone Number,Country/Region,Associated Company IDs,Unsubscribed from all email,Create Date
201,Nancy,Davolio,nancy@northwind.com,VP Sales,,United States,111015000001,FALSE,2/23/2026 15:00
202,Andrew,Fuller,andrew@northwind.com,CEO,,United States,111015000001,FALSE,2/23/2026 15:01
203,Janet,Leverling,janet@contoso.com,IT Director,,United States,111015000002,TRUE,2/23/2026 15:02
204,Margaret,Peacock,margaret@fabrikam.com,CFO,,Canada,111015000003,FALSE,2/23/2026 15:03
205,Steven,Buchanan,steven@tailspintoys.com,Head of Procurement,,United States,1.11015E+11,FALSE,2/23/2026 15:04
206,Michael,Suyama,michael@litware.com,Engineer,,Narnia,111015000005,FALSE,2/24/2026 9:30
207,Robert,King,robert@adventure-works.com,VP Engineering,,United States,111015000006,FALSE,2/24/2026 9:31
208,Laura,Callahan,laura@woodgrovebank.com,Head of IT,,United States,111015000007,FALSE,2/24/2026 9:32
209,Anne,Dodsworth,anne@proseware.com,Marketing Manager,,,111015000008,FALSE,2/24/2026 9:33
210,Mary,Smith,mary.smith@@lucernepublishing.com,Editor,,Switzerland,111015000009,FALSE,2/24/2026 9:34
211,Paul,West,paul@wingtiptoys.com,Owner,,United States,111015000010,FALSE,2/25/2026 10:30
212,Kim,Abercrombie,kim@alpineskihouse.com,COO,,Austria,111015000011,FALSE,2/25/2026 10:31
213,Ben,Miller,ben@blueyonderairlines.com,CTO,,United States,111015000012,FALSE,2/25/2026 10:32
214,Eva,Corets,eva@cohowinery.com,Winemaker,,United States,111015000013,FALSE,2/25/2026 10:33
215,Dan,Park,dan@consolidatedmessenger.com,Operations Manager,,United States,111015000014,FALSE,2/25/2026 10:34
216,Kaz,Sato,,Designer,,United States,111015000015,FALSE,2/26/2026 11:30
217,Lee,Chan,lee@humongousinsurance.com,Chief Risk Officer,,United States,111015000016,FALSE,2/26/2026 11:31
218,Sara,Davis,sara@margiestravel.com,Travel Agent,,United States,111015000017,FALSE,2/26/2026 11:32
219,Tom,Ward,tom@relecloud.com,Head of Cloud,,United States,111015000018;111015000020,FALSE,2/26/2026 11:33
220,Ivy,Chen,ivy@treyresearch.net,Researcher,,United States,111015000020,,2/27/2026 12:30
"""


def test_hubspot_exports_through_excel_load_whole(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    companies = load(store, tmp_path, "accounts", "companies.csv", HS_COMPANIES, preset="hubspot")
    assert (companies.read, companies.loaded, companies.rejected, companies.warnings) == (
        20,
        20,
        0,
        3,
    )
    assert warned(companies) == [["5", "account_id"], ["9", "country"], ["14", "employees"]]
    table = pd.read_csv(companies.rejects_file, dtype=str)
    assert table.loc[0, "reason"] == (
        "Excel turned this id into a number ('1.11015E+11'); re-export the column as text"
    )
    stored = store.table("accounts").set_index("account_id")
    assert stored.loc["111015000001", "employees"] == 1200
    assert stored.loc["111015000002", "annual_revenue"] == 12_000_000
    assert stored.loc["1.11015E+11", "name"] == "Tailspin Toys"
    assert stored.loc["111015000008", "country_invalid"] == "Narnia"
    assert stored.loc["111015000013", "employees_invalid"] == "#VALUE!"
    assert int(stored["is_customer"].fillna(False).sum()) == 3

    contacts = load(store, tmp_path, "contacts", "contacts.csv", HS_CONTACTS, preset="hubspot")
    assert (contacts.read, contacts.loaded, contacts.rejected, contacts.warnings) == (20, 20, 0, 3)
    assert warned(contacts) == [["6", "account_id"], ["7", "country"], ["11", "email"]]
    people = store.table("contacts").set_index("contact_id")
    # The contact follows the mangled company id, so the pair stays together (and is flagged).
    assert people.loc["205", "account_id"] == "1.11015E+11"
    assert people.loc["206", "country_invalid"] == "Narnia"
    mary = people.loc["210"]
    assert mary["email_invalid"] == "mary.smith@@lucernepublishing.com"
    assert mary["email_status"] == "invalid" and mary["account_id"] == "111015000009"
    assert bool(people.loc["203", "opted_out"]) and not bool(people.loc["201", "opted_out"])
    assert people.loc["219", "account_id"] == "111015000018"
    assert people["account_id"].notna().all()
