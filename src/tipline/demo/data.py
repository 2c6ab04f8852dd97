"""Reference tables for the demo generator: states, weights, names, platforms, ISPs.

Everything personal here is invented: names are common given names and surnames combined at
random, e-mail domains are reserved example domains, URLs use the reserved `.example` top-level
domain, phone numbers are drawn from a random generator.
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import indian_pincode


@dataclass(frozen=True, slots=True)
class State:
    code: str  # ISO 3166-2:IN without "IN-"
    pincode_name: str  # the state's name in indian-pincode
    name: str  # the usual English name
    region: str  # how a GeoIP database names it
    #: other ways a platform's address form spells it (aliases, upper case, typos)
    variants: tuple[str, ...]
    names: str  # key into NAMES (regional name pool)
    weight: float  # share of the first five months at 25,000 reports (before scaling)


# Weights: reports per state at 25,000 reports (24,750 in India + 250 foreign). Delhi takes the
# rest so the total is exact; Maharashtra is 1,700 (as reported for the first five months).
# fmt: off
STATES: tuple[State, ...] = (
    State("DL", "DELHI", "Delhi", "National Capital Territory of Delhi",
          ("New Delhi", "NCT of Delhi", "DELHI", "DL"), "north", 0),
    State("MH", "MAHARASHTRA", "Maharashtra", "Maharashtra",
          ("MAHARASHTRA", "MH", "Maharastra"), "west", 1700),
    State("GJ", "GUJARAT", "Gujarat", "Gujarat", ("GUJARAT", "GJ", "Gujrat"), "gujarat", 1550),
    State("UP", "UTTAR PRADESH", "Uttar Pradesh", "Uttar Pradesh",
          ("UTTAR PRADESH", "UP", "U.P."), "north", 1450),
    State("WB", "WEST BENGAL", "West Bengal", "West Bengal",
          ("WEST BENGAL", "WB", "W.B."), "east", 1350),
    State("KA", "KARNATAKA", "Karnataka", "Karnataka", ("KARNATAKA", "KA"), "karnataka", 1230),
    State("TN", "TAMIL NADU", "Tamil Nadu", "Tamil Nadu",
          ("TAMILNADU", "TN", "Tamil Nadu "), "tamil", 1180),
    State("TS", "TELANGANA", "Telangana", "Telangana", ("TELANGANA", "TG", "TS"), "telugu", 1130),
    State("RJ", "RAJASTHAN", "Rajasthan", "Rajasthan", ("RAJASTHAN", "RJ"), "north", 1080),
    State("KL", "KERALA", "Kerala", "Kerala", ("KERALA", "KL"), "kerala", 1030),
    State("MP", "MADHYA PRADESH", "Madhya Pradesh", "Madhya Pradesh",
          ("MADHYA PRADESH", "MP", "M.P."), "north", 980),
    State("HR", "HARYANA", "Haryana", "Haryana", ("HARYANA", "HR"), "north", 930),
    State("BR", "BIHAR", "Bihar", "Bihar", ("BIHAR", "BR"), "north", 880),
    State("AP", "ANDHRA PRADESH", "Andhra Pradesh", "Andhra Pradesh",
          ("ANDHRA PRADESH", "AP", "A.P."), "telugu", 860),
    State("PB", "PUNJAB", "Punjab", "Punjab", ("PUNJAB", "PB"), "punjab", 780),
    State("OD", "ODISHA", "Odisha", "Odisha", ("Orissa", "ODISHA", "OR"), "east", 680),
    State("AS", "ASSAM", "Assam", "Assam", ("ASSAM", "AS"), "east", 540),
    State("JH", "JHARKHAND", "Jharkhand", "Jharkhand", ("JHARKHAND", "JH"), "north", 490),
    State("CG", "CHHATTISGARH", "Chhattisgarh", "Chhattisgarh",
          ("Chhatisgarh", "CHHATTISGARH", "CT"), "north", 440),
    State("UK", "UTTARAKHAND", "Uttarakhand", "Uttarakhand",
          ("Uttaranchal", "UTTARAKHAND", "UK"), "north", 390),
    State("JK", "JAMMU AND KASHMIR", "Jammu and Kashmir", "Jammu and Kashmir",
          ("Jammu & Kashmir", "J&K", "JAMMU AND KASHMIR"), "kashmir", 290),
    State("HP", "HIMACHAL PRADESH", "Himachal Pradesh", "Himachal Pradesh",
          ("HIMACHAL PRADESH", "HP"), "north", 240),
    State("GA", "GOA", "Goa", "Goa", ("GOA", "GA"), "goa", 190),
    State("CH", "CHANDIGARH", "Chandigarh", "Chandigarh", ("CHANDIGARH", "CH"), "punjab", 150),
    State("TR", "TRIPURA", "Tripura", "Tripura", ("TRIPURA", "TR"), "northeast", 100),
    State("PY", "PUDUCHERRY", "Puducherry", "Puducherry",
          ("Pondicherry", "PUDUCHERRY", "PY"), "tamil", 80),
    State("ML", "MEGHALAYA", "Meghalaya", "Meghalaya", ("MEGHALAYA", "ML"), "northeast", 60),
    State("MN", "MANIPUR", "Manipur", "Manipur", ("MANIPUR", "MN"), "northeast", 60),
    State("AR", "ARUNACHAL PRADESH", "Arunachal Pradesh", "Arunachal Pradesh",
          ("ARUNACHAL PRADESH", "AR"), "northeast", 40),
    State("NL", "NAGALAND", "Nagaland", "Nagaland", ("NAGALAND", "NL"), "northeast", 40),
    State("MZ", "MIZORAM", "Mizoram", "Mizoram", ("MIZORAM", "MZ"), "northeast", 35),
    State("SK", "SIKKIM", "Sikkim", "Sikkim", ("SIKKIM", "SK"), "northeast", 25),
    State("DH", "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU",
          "Dadra and Nagar Haveli and Daman and Diu", "Dadra and Nagar Haveli and Daman and Diu",
          ("Daman and Diu", "Dadra and Nagar Haveli", "DNH&DD"), "gujarat", 25),
    State("AN", "ANDAMAN AND NICOBAR ISLANDS", "Andaman and Nicobar Islands",
          "Andaman and Nicobar Islands", ("Andaman & Nicobar", "A&N Islands"), "east", 20),
    State("LA", "LADAKH", "Ladakh", "Ladakh", ("LADAKH", "Jammu and Kashmir"), "kashmir", 10),
    State("LD", "LAKSHADWEEP", "Lakshadweep", "Lakshadweep", ("LAKSHADWEEP", "LD"), "kerala", 6),
)
STATE_BY_CODE = {s.code: s for s in STATES}
REFERENCE_TOTAL = 25_000
REFERENCE_FOREIGN = 250
REFERENCE_DOMESTIC = REFERENCE_TOTAL - REFERENCE_FOREIGN

#: Maharashtra's districts at 25,000 reports; the other districts share the rest by PIN count.
MH_DISTRICTS: dict[str, int] = {
    "MUMBAI": 290, "MUMBAI SUBURBAN": 200,  # Mumbai: 490
    "PUNE": 579,  # Pune City 542, Pimpri-Chinchwad 25, Pune Rural 12
    "THANE": 170, "NAGPUR": 85, "NASHIK": 55, "AURANGABAD": 45, "BEED": 40,
}
MH_TOTAL = 1700

#: Police units (commissionerates / rural police) inside Pune district, at 25,000 reports.
PUNE_AREAS: dict[str, int] = {"Pune City": 542, "Pimpri-Chinchwad": 25, "Pune Rural": 12}
PIMPRI_CHINCHWAD_PINS = frozenset({
    "411012", "411017", "411018", "411019", "411026", "411033", "411034", "411035", "411039",
    "411044", "411057", "411061", "411062", "411070", "412101",
})

#: Districts that hold a state's big city: more reports than their PIN count alone suggests.
BIG_DISTRICTS: dict[str, dict[str, float]] = {
    "GJ": {"AHMADABAD": 8, "SURAT": 6, "VADODARA": 4, "RAJKOT": 3},
    "UP": {"LUCKNOW": 6, "GAUTAM BUDDHA NAGAR": 5, "GHAZIABAD": 5, "KANPUR NAGAR": 4},
    "WB": {"KOLKATA": 10, "24 PARAGANAS NORTH": 3, "HOWRAH": 3},
    "KA": {"BENGALURU URBAN": 12, "MYSURU": 3},
    "TN": {"CHENNAI": 8, "COIMBATORE": 3, "MADURAI": 2},
    "TS": {"HYDERABAD": 12, "MEDCHAL MALKAJGIRI": 5, "RANGA REDDY": 4},
    "RJ": {"JAIPUR": 6, "JODHPUR": 3},
    "KL": {"THIRUVANANTHAPURAM": 3, "ERNAKULAM": 3},
    "MP": {"INDORE": 6, "BHOPAL": 6},
    "HR": {"GURUGRAM": 6, "FARIDABAD": 5},
    "BR": {"PATNA": 6},
    "AP": {"VISAKHAPATANAM": 4, "KRISHNA": 3},
    "PB": {"LUDHIANA": 4, "AMRITSAR": 3, "JALANDHAR": 2},
    "OD": {"KHORDHA": 6, "CUTTACK": 3},
    "AS": {"KAMRUP METRO": 8},
    "JH": {"RANCHI": 5, "EAST SINGHBUM": 3},
    "CG": {"RAIPUR": 5},
    "UK": {"DEHRADUN": 5},
    "JK": {"SRINAGAR": 4, "JAMMU": 4},
    "HP": {"SHIMLA": 3},
    "DL": {"NEW DELHI": 1.5, "SOUTH": 1.5},
}

#: District -> the city a person or a GeoIP database names for it (default: district title).
CITY_NAMES: dict[str, str] = {
    "MUMBAI": "Mumbai", "MUMBAI SUBURBAN": "Mumbai", "AHMADABAD": "Ahmedabad",
    "BENGALURU URBAN": "Bengaluru", "BENGALURU RURAL": "Bengaluru", "KOLKATA": "Kolkata",
    "HYDERABAD": "Hyderabad", "MEDCHAL MALKAJGIRI": "Secunderabad", "CHENNAI": "Chennai",
    "KHORDHA": "Bhubaneswar", "KAMRUP METRO": "Guwahati", "GAUTAM BUDDHA NAGAR": "Noida",
    "KANPUR NAGAR": "Kanpur", "24 PARAGANAS NORTH": "Barasat", "24 PARAGANAS SOUTH": "Alipore",
    "EAST SINGHBUM": "Jamshedpur", "RANGA REDDY": "Hyderabad", "MYSURU": "Mysuru",
    "THIRUVANANTHAPURAM": "Thiruvananthapuram", "ERNAKULAM": "Kochi",
    "VISAKHAPATANAM": "Visakhapatnam", "KRISHNA": "Vijayawada", "NORTH GOA": "Panaji",
    "SOUTH GOA": "Margao", "LEH LADAKH": "Leh", "LAKSHADWEEP DISTRICT": "Kavaratti",
    "SOUTH ANDAMANS": "Port Blair", "PONDICHERRY": "Puducherry", "EAST DISTRICT": "Gangtok",
    "EAST KHASI HILLS": "Shillong", "AIZAWL": "Aizawl", "IMPHAL WEST": "Imphal",
    "WEST TRIPURA": "Agartala", "PAPUM PARE": "Itanagar", "KOHIMA": "Kohima",
}

#: When a GeoIP database only knows the state's big city (mobile carriers' gateways).
STATE_HUB_CITY: dict[str, str] = {
    "DL": "NEW DELHI", "MH": "MUMBAI", "GJ": "AHMADABAD", "UP": "LUCKNOW", "WB": "KOLKATA",
    "KA": "BENGALURU URBAN", "TN": "CHENNAI", "TS": "HYDERABAD", "RJ": "JAIPUR",
    "KL": "ERNAKULAM", "MP": "BHOPAL", "HR": "GURUGRAM", "BR": "PATNA",
    "AP": "VISAKHAPATANAM", "PB": "LUDHIANA", "OD": "KHORDHA",
}

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "north": (
        ("Rahul", "Amit", "Vikas", "Sandeep", "Rohit", "Ankit", "Deepak", "Manish", "Sunil",
         "Ajay", "Pooja", "Neha", "Priya", "Ravi", "Arjun", "Karan", "Nitin", "Pankaj",
         "Saurabh", "Gaurav", "Vivek", "Aakash", "Shubham", "Anjali"),
        ("Sharma", "Verma", "Gupta", "Kumar", "Singh", "Yadav", "Chauhan", "Mishra", "Tiwari",
         "Pandey", "Agarwal", "Jain", "Saxena", "Rawat", "Meena", "Srivastava", "Thakur"),
    ),
    "west": (
        ("Sachin", "Rahul", "Swapnil", "Prasad", "Amol", "Nikhil", "Omkar", "Ganesh", "Tushar",
         "Akshay", "Sneha", "Pooja", "Aarti", "Mahesh", "Vaibhav", "Pratik", "Rohan", "Sagar"),
        ("Patil", "Jadhav", "Pawar", "Shinde", "Deshmukh", "Kulkarni", "Joshi", "More",
         "Gaikwad", "Kale", "Chavan", "Bhosale", "Salunkhe", "Kadam", "Mane", "Wagh"),
    ),
    "gujarat": (
        ("Hardik", "Jignesh", "Nirav", "Parth", "Dhaval", "Krunal", "Mehul", "Bhavin", "Chirag",
         "Hetal", "Komal", "Ketan", "Rakesh", "Yash"),
        ("Patel", "Shah", "Desai", "Mehta", "Parmar", "Chauhan", "Solanki", "Joshi", "Trivedi",
         "Modi", "Vaghela", "Rathod"),
    ),
    "east": (
        ("Sourav", "Arijit", "Debashis", "Subhajit", "Ankan", "Rakesh", "Bikash", "Pritam",
         "Rupam", "Sayan", "Moumita", "Priyanka", "Abhijit", "Sudipta"),
        ("Das", "Ghosh", "Banerjee", "Chatterjee", "Mukherjee", "Roy", "Sen", "Bose", "Mondal",
         "Saha", "Mohanty", "Behera", "Sahoo", "Baruah", "Kalita", "Nayak"),
    ),
    "tamil": (
        ("Karthik", "Arun", "Senthil", "Vignesh", "Prakash", "Suresh", "Dinesh", "Lakshmi",
         "Divya", "Balaji", "Saravanan", "Gokul"),
        ("Kumar", "Raj", "Murugan", "Subramanian", "Krishnan", "Selvam", "Rajan", "Natarajan"),
    ),
    "karnataka": (
        ("Naveen", "Kiran", "Manjunath", "Girish", "Harsha", "Chetan", "Pavan", "Shreya",
         "Raghu", "Vinay"),
        ("Gowda", "Shetty", "Rao", "Hegde", "Naik", "Reddy", "Kamath", "Bhat"),
    ),
    "kerala": (
        ("Arjun", "Vishnu", "Akhil", "Anoop", "Jithin", "Nikhil", "Sreejith", "Anu", "Athira",
         "Rahul"),
        ("Nair", "Menon", "Pillai", "Thomas", "Joseph", "Varghese", "Kurian", "Krishnan"),
    ),
    "telugu": (
        ("Srinivas", "Ramesh", "Venkat", "Sai", "Praveen", "Mahesh", "Kiran", "Swathi",
         "Ravi", "Naresh"),
        ("Reddy", "Rao", "Naidu", "Goud", "Chowdary", "Varma", "Yadav", "Raju"),
    ),
    "punjab": (
        ("Gurpreet", "Harpreet", "Manpreet", "Jaspreet", "Amandeep", "Simran", "Navdeep",
         "Rajinder", "Sukhwinder"),
        ("Singh", "Kaur", "Gill", "Sandhu", "Sidhu", "Dhillon", "Grewal", "Brar"),
    ),
    "kashmir": (
        ("Imran", "Aamir", "Bilal", "Faisal", "Tariq", "Rohit", "Tsering", "Stanzin"),
        ("Bhat", "Dar", "Mir", "Lone", "Wani", "Shah", "Sharma", "Dorjay"),
    ),
    "goa": (
        ("Sanjay", "Prakash", "Anthony", "Francis", "Sneha", "Rohan"),
        ("Naik", "Fernandes", "D'Souza", "Kamat", "Gaonkar", "Sawant"),
    ),
    "northeast": (
        ("Daniel", "Samuel", "John", "Peter", "Victor", "Kevin", "Bijoy", "Lalremruata"),
        ("Lyngdoh", "Sangma", "Marak", "Sema", "Ao", "Lotha", "Chakma", "Bhutia", "Lepcha",
         "Tamang", "Debbarma", "Singha"),
    ),
    "any": (
        ("Mohammed", "Imran", "Salman", "Faizan", "Arif", "Sameer", "Aisha", "Zoya"),
        ("Khan", "Shaikh", "Ansari", "Qureshi", "Siddiqui", "Sayyed"),
    ),
}
# fmt: on


EMAIL_DOMAINS = ("example.com", "example.in", "example.net", "example.org", "mail.example.in")


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    weight: float
    services: tuple[str, ...]
    slug: str
    id_style: str  # "long" digits, "short" digits, "phone", "hex", "handle"


# fmt: off
PLATFORMS: tuple[Platform, ...] = (
    Platform("Facebook", 38, ("Facebook", "Messenger"), "facebook", "long"),
    Platform("Instagram", 9, ("Instagram", "Instagram Direct"), "instagram", "long"),
    Platform("WhatsApp", 8, ("WhatsApp",), "whatsapp", "phone"),
    Platform("Google", 15, ("Gmail", "Google Photos", "Google Drive", "YouTube", "Blogger"),
             "google", "long"),
    Platform("Microsoft", 5, ("OneDrive", "Bing", "Skype", "Outlook.com"), "microsoft", "hex"),
    Platform("Snapchat", 3, ("Snapchat",), "snapchat", "handle"),
    Platform("Twitter", 4, ("Twitter",), "twitter", "short"),
    Platform("TikTok", 3, ("TikTok",), "tiktok", "long"),
    Platform("ShareChat", 2, ("ShareChat",), "sharechat", "short"),
    Platform("Telegram", 2, ("Telegram",), "telegram", "short"),
    Platform("Dropbox", 2, ("Dropbox",), "dropbox", "short"),
    Platform("Discord", 1.5, ("Discord",), "discord", "long"),
    Platform("Yahoo", 1.5, ("Yahoo Mail",), "yahoo", "hex"),
    Platform("Imgur", 1, ("Imgur",), "imgur", "handle"),
    Platform("Tumblr", 1, ("Tumblr",), "tumblr", "handle"),
    Platform("Reddit", 1, ("Reddit",), "reddit", "handle"),
)

INCIDENT_TYPES: tuple[tuple[str, float], ...] = (
    ("Child Pornography (possession, manufacture, and distribution)", 93),
    ("Online Enticement of Children for Sexual Act", 3),
    ("Unsolicited Obscene Material Sent to a Child", 2),
    ("Misleading Words or Digital Images on the Internet", 1),
    ("Child Sex Trafficking", 0.5),
    ("Child Sexual Molestation", 0.3),
    ("Misleading Domain Name", 0.2),
)
# fmt: on


@dataclass(frozen=True, slots=True)
class Isp:
    name: str
    weight: float
    v4: tuple[str, ...]
    v6: tuple[str, ...]
    #: districts a GeoIP database often puts this carrier's mobile addresses in
    hubs: tuple[tuple[str, str], ...]


# fmt: off
ISPS: tuple[Isp, ...] = (
    Isp("Reliance Jio Infocomm Limited", 45, ("49.36.0.0/14", "157.32.0.0/12"),
        ("2405:201::/32",), (("MH", "MUMBAI"), ("MH", "THANE"), ("DL", "NEW DELHI"))),
    Isp("Bharti Airtel Ltd.", 32, ("106.192.0.0/11",), ("2401:4900::/32",),
        (("DL", "NEW DELHI"), ("HR", "GURUGRAM"), ("KA", "BENGALURU URBAN"), ("TN", "CHENNAI"))),
    Isp("BSNL (National Internet Backbone)", 23, ("117.192.0.0/10",), (),
        (("DL", "NEW DELHI"), ("MH", "MUMBAI"), ("WB", "KOLKATA"), ("TS", "HYDERABAD"))),
)
# fmt: on


@dataclass(frozen=True, slots=True)
class ForeignPlace:
    country: str
    region: str
    city: str
    postal: str
    lat: float
    lon: float
    isp: str
    network: str  # documentation ranges (RFC 5737 / RFC 3849): never a real host


# fmt: off
FOREIGN: tuple[ForeignPlace, ...] = (
    ForeignPlace("US", "California", "Los Angeles", "90017", 34.05, -118.26,
                 "Example Hosting LLC", "198.51.100.0/24"),
    ForeignPlace("US", "Virginia", "Ashburn", "20149", 39.04, -77.49, "Example Cloud Inc.",
                 "203.0.113.0/24"),
    ForeignPlace("GB", "England", "London", "EC1A", 51.51, -0.09, "Example Telecom plc",
                 "192.0.2.0/24"),
    ForeignPlace("AE", "Dubai", "Dubai", "", 25.2, 55.27, "Example Telecom PJSC",
                 "198.51.100.0/24"),
    ForeignPlace("SG", "", "Singapore", "018989", 1.29, 103.85, "Example Data Centre Pte",
                 "203.0.113.0/24"),
    ForeignPlace("NL", "North Holland", "Amsterdam", "1012", 52.37, 4.9, "Example VPN B.V.",
                 "192.0.2.0/24"),
    ForeignPlace("DE", "Hesse", "Frankfurt am Main", "60313", 50.11, 8.68,
                 "Example Hosting GmbH", "2001:db8::/32"),
    ForeignPlace("SA", "Riyadh Region", "Riyadh", "", 24.69, 46.72, "Example Mobile Co.",
                 "198.51.100.0/24"),
    ForeignPlace("NP", "Bagmati Province", "Kathmandu", "44600", 27.71, 85.32,
                 "Example Net Pvt Ltd", "203.0.113.0/24"),
    ForeignPlace("BD", "Dhaka Division", "Dhaka", "1000", 23.81, 90.41, "Example Broadband Ltd",
                 "192.0.2.0/24"),
)

LOCALITY_WORDS = (
    "Gandhi Nagar", "Station Road", "MG Road", "Nehru Colony", "Shivaji Chowk", "Main Bazar",
    "Ram Nagar", "Indira Colony", "Subhash Marg", "Civil Lines", "Old City", "Sector 4",
    "New Colony", "Tilak Road", "Ambedkar Nagar", "Laxmi Nagar", "Krishna Puram",
)
BUILDING_WORDS = ("Apartment", "Residency", "Heights", "Niwas", "Sadan", "Complex", "Towers")

ADDITIONAL_INFO = (
    "The account was disabled after the content was detected.",
    "Content was detected by hash matching against known material.",
    "The user uploaded the file through the mobile application.",
    "The file was shared in a private message.",
    "The account had been active for less than 30 days.",
    "The user was previously reported for similar content.",
    "Multiple accounts appear to be linked to the same device.",
    "N/A",
)
NCMEC_NOTES = (
    "Report made available to the National Crime Records Bureau, India.",
    "IP address geolocation is approximate and may reflect the carrier's gateway.",
    "NCMEC has not viewed the uploaded files.",
    "Related reports may exist for the same user.",
    "Geolocation was derived from the upload IP address.",
)
# fmt: on


@lru_cache(maxsize=1)
def pin_table() -> dict[str, tuple[float | None, float | None, str]]:
    """PIN -> (approximate latitude, longitude, post-office locality), shipped with the demo."""
    table: dict[str, tuple[float | None, float | None, str]] = {}
    path = Path(__file__).with_name("pincodes.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lat = float(row["lat"]) if row["lat"] else None
            lon = float(row["lon"]) if row["lon"] else None
            table[row["pin"]] = (lat, lon, row["locality"])
    return table


@dataclass(frozen=True, slots=True)
class District:
    state: str  # ISO code
    name: str  # as indian-pincode names it
    pins: tuple[str, ...]
    lat: float
    lon: float

    @property
    def city(self) -> str:
        if self.state == "DL":
            return "New Delhi" if self.name == "NEW DELHI" else "Delhi"
        return CITY_NAMES.get(self.name) or self.name.title().replace(" And ", " and ")


@lru_cache(maxsize=1)
def districts() -> dict[str, tuple[District, ...]]:
    """State code -> its districts (from indian-pincode), each with PINs and a centroid.

    Only PINs that indian-pincode places in exactly one district are used, so the district a
    generated address names is never ambiguous.
    """
    table = pin_table()
    code_of = {s.pincode_name: s.code for s in STATES}
    pins_of: dict[tuple[str, str], list[str]] = {}
    for pin in sorted(table):
        details = indian_pincode.get_details(pin)
        if not details or len(details["districts"]) != 1 or len(details["states"]) != 1:
            continue
        code = code_of.get(details["states"][0])
        if code:
            pins_of.setdefault((code, details["districts"][0]), []).append(pin)
    out: dict[str, tuple[District, ...]] = {}
    for state in STATES:
        items = []
        for name in indian_pincode.list_districts(state.pincode_name):
            pins = tuple(pins_of.get((state.code, name), ()))
            coords = [(table[p][0], table[p][1]) for p in pins if table[p][0] is not None]
            if not pins or not coords:
                continue
            lat = sum(c[0] for c in coords) / len(coords)  # type: ignore[misc]
            lon = sum(c[1] for c in coords) / len(coords)  # type: ignore[misc]
            items.append(District(state.code, name, pins, round(lat, 2), round(lon, 2)))
        out[state.code] = tuple(items)
    return out


def network(cidr: str) -> tuple[int, int, int]:
    """(first address as int, number of addresses, IP version) of a CIDR block."""
    net = ipaddress.ip_network(cidr)
    return int(net.network_address), net.num_addresses, net.version
