"""The headings of packet files in the receiving unit's language (Jurisdiction.language).

A small dictionary for the packet's own files only: the workbook's sheets and columns and
the PDFs' headings and labels. The web pages get Django's gettext catalogue later. Values
(names, places, ids, times) are never translated. A heading missing here stays English.
"""

from __future__ import annotations

HINDI: dict[str, str] = {
    # the report PDF
    "Tipline report": "टिपलाइन रिपोर्ट",
    "NCMEC / sender report id": "NCMEC / प्रेषक रिपोर्ट आईडी",
    "version": "संस्करण",
    "Packet": "पैकेट",
    "Supersedes": "इसका स्थान लेता है",
    "For": "किसके लिए",
    "Sent by": "भेजने वाले",
    "Acknowledge by": "पावती की अंतिम तिथि",
    "Priority": "प्राथमिकता",
    "not stated": "नहीं बताया गया",
    "Incident type": "घटना का प्रकार",
    "Routed to": "भेजा गया",
    "Why here": "यहाँ क्यों",
    "What the platform reported": "प्लेटफ़ॉर्म ने क्या बताया",
    "Source": "स्रोत",
    "Platform": "प्लेटफ़ॉर्म",
    "Received": "प्राप्त",
    "Incident time": "घटना का समय",
    "  as described": "  जैसा बताया गया",
    "Referral": "रेफ़रल",
    "Escalated": "तत्काल",
    "Annotations": "टिप्पणियाँ",
    "URLs": "URL",
    "Additional info": "अतिरिक्त जानकारी",
    "Suspect": "संदिग्ध",
    "IP events (exact UTC time and port matter behind CGNAT)":
        "IP घटनाएँ (CGNAT के पीछे सटीक UTC समय और पोर्ट ज़रूरी हैं)",
    "Where the hub located it": "हब ने इसे कहाँ पाया",
    "Not resolved.": "स्थान तय नहीं हुआ।",
    "Place": "स्थान",
    "Unit": "इकाई",
    "Method": "तरीका",
    "Confidence": "विश्वास",
    "Explanation": "कारण",
    "Hub notes": "हब की टिप्पणियाँ",
    "NCMEC's notes": "NCMEC की टिप्पणियाँ",
    "Packet note": "पैकेट की टिप्पणी",
    "None.": "कोई नहीं।",
    "Other fields as sent (no field of their own here)":
        "भेजे गए अन्य विवरण (जिनका यहाँ अपना कोई खाना नहीं है)",
    "Linked reports": "जुड़ी रिपोर्टें",
    "None known to the hub.": "हब को ज्ञात कोई नहीं।",
    "Files": "फ़ाइलें",
    "the material itself is never in the packet": "सामग्री स्वयं पैकेट में कभी नहीं होती",
    # the workbook: sheets and columns
    "Reports": "रिपोर्टें",
    "IP events": "IP घटनाएँ",
    "Tipline id": "टिपलाइन आईडी",
    "NCMEC report id": "NCMEC रिपोर्ट आईडी",
    "Received (IST)": "प्राप्त (IST)",
    "Received (UTC)": "प्राप्त (UTC)",
    "Incident (IST)": "घटना (IST)",
    "Incident (UTC)": "घटना (UTC)",
    "Suspect identifiers": "संदिग्ध की पहचान",
    "Location": "स्थान",
    "Location method": "स्थान का तरीका",
    "Location confidence": "स्थान पर विश्वास",
    "IP address": "IP पता",
    "Port": "पोर्ट",
    "Time (UTC)": "समय (UTC)",
    "Time (IST)": "समय (IST)",
    "Event": "घटना",
    "File name": "फ़ाइल का नाम",
    "Size (bytes)": "आकार (बाइट)",
}

LANGUAGES: dict[str, dict[str, str]] = {"hi": HINDI}


def heading(text: str, language: str) -> str:
    """`text` in `language` ("en", "hi"); English when there is no translation."""
    return LANGUAGES.get(language, {}).get(text, text)
