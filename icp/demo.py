"""Demo data: the ICP office in 2011 (ROC 100), built from the programme's final report.

Source: 經濟部工業局 100 年度「推動工業合作計畫」期末執行成果報告 (../shared/seed/000_1d4b29d95145638a.txt).
Taken from the report as printed: the four steering-group meetings (dates, minutes-approved and
database-updated dates, and the per-meeting counts and credit totals of every decision kind — see
domain.md §5's worked check), the two named 2011 agreements and the 2.11億 USD points total, the
demand-item review meetings and their per-quarter counts, policy meetings, the dated industry
sub-committee and negotiation meetings, briefings and their attendance, the capability-survey trip,
the capability-database firms, the eight factory visits, trainings, publications and copies, the
awards rules and ceremony, the fee-rule revision of 2011-07-04, the 經費 table and the overseas trip.

Illustrative (the report gives a total but no detail, so the records make the total come out right):
the six other 2011 agreements and all obligations, the older agreements and their pre-2011 meetings,
how each meeting's credit total is split over its cases, case multipliers, the undated sub-committee
(6), negotiation (15) and assessment pre-meetings (10), assessments, visit dates, trainee counts the
report omits, award recipients, demand-item titles and scores, multiplier and fee rates, fees,
pledges, progress reports and banked credits. Such records say 示範 in their note where it matters.
Unified business numbers are generated checksum-valid numbers, not the firms' real ones.
"""
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from icp.attachments import attachment_store
from icp.extensions import db
from icp.rules import AWARD_PRIZES, ubn_is_valid
from models import (Agency, Agreement, AnnualTarget, Attachment, Award, BankedCredit, BudgetLine, CapabilityAssessment,
                    DefenseTarget,
                    CaseDecision, CaseReview, Contractor, DemandItem, DomesticFirm, Event, Expert, ExportControlPledge,
                    FactoryVisit, FeedbackFee, FeeRule, IcpCase, Meeting, MultiplierRule, OverseasTrip, PlanChange,
                    Procurement, ProgressReport, Publication, TrainingSession)

D = Decimal
ILLUSTRATIVE = "示範資料：報告未載明細，數值為示意。"
SIGNED_2011_NOTE = "報告：100年度簽署8份協議書，合計約2.11億餘美元點；個別額度為示意。"

STEERING = "工業合作推動小組會議"
SUBCOMMITTEE = "產業分組委員會議"
POLICY = "工業合作政策指導會議"
DEMAND_REVIEW = "需求項目審查會議"
NEGOTIATION = "協商談判會議"
DEFENSE_COUNCIL = "軍公民營工業配合發展會報"
ASSESSMENT_PRE = "評估委員先期研討會"
OTHER = "其他"

# --- organisations -------------------------------------------------------------------------------

# name, parent
AGENCIES = (
    ("國防部", "行政院"),
    ("國防部軍備局", "國防部"),
    ("交通部", "行政院"),
    ("交通部臺灣鐵路管理局", "交通部"),
    ("交通部民用航空局", "交通部"),
    ("交通部高速鐵路工程局", "交通部"),
    ("行政院環境保護署", "行政院"),
    ("臺中市政府", None),
    ("臺北市政府捷運工程局", "臺北市政府"),
    ("台灣電力公司", "經濟部"),
    ("內政部空中勤務總隊", "內政部"),
)

# key, name (zh), name (en), ISO 3166 country, parent group, capability notes
CONTRACTORS = (
    ("raytheon", "雷神公司", "Raytheon Company", "US", None,
     "雷達、飛彈系統、光電射控；100年5月技術能量調查，11月10日發佈技術能量清單"),
    ("lockheed", "洛馬公司", "Lockheed Martin Corporation", "US", None, "飛彈防禦、反潛機、海洋能"),
    ("boeing", "波音公司", "The Boeing Company", "US", None, "民航機、攻擊直升機、航太扣件供應鏈"),
    ("sikorsky", "塞考斯基公司", "Sikorsky Aircraft Corporation", "US", "United Technologies Corporation",
     "直升機；100年5月技術能量調查，11月10日發佈技術能量清單"),
    ("ge", "奇異公司", "General Electric Company", "US", None, "發動機、燃氣渦輪機、醫療"),
    ("mhi", "三菱重工業株式會社", "Mitsubishi Heavy Industries, Ltd.", "JP", "三菱集團", "MRJ 區間客機、焚化爐"),
    ("kawasaki", "川崎重工業株式會社", "Kawasaki Heavy Industries, Ltd.", "JP", None, "軌道車輛、捷運機電系統"),
    ("sumitomo", "住友商事株式會社", "Sumitomo Corporation", "JP", "住友集團", "傾斜式電聯車"),
    ("marubeni", "丸紅株式會社", "Marubeni Corporation", "JP", None, "機場聯外捷運機電系統"),
    ("toyota_tsusho", "豐田通商株式會社", "Toyota Tsusho Corporation", "JP", "豐田集團", "風力發電設備"),
    ("nippon_sharyo", "日本車輛製造株式會社", "Nippon Sharyo, Ltd.", "JP", None, "通勤電聯車"),
    ("alstom", "阿爾斯通交通運輸公司", "Alstom Transport", "FR", "Alstom SA", "捷運號誌、通訊、軌道系統"),
    ("airbus", "空中巴士公司", "Airbus S.A.S.", "FR", "EADS", "民航機、EASA 維修訓練"),
    ("bombardier", "龐巴迪運輸公司", "Bombardier Transportation", "CA", "Bombardier Inc.", "捷運系統、C 系列客機"),
    ("nsm", "挪威特殊任務公司", "Norwegian Special Mission AS", "NO", None, "自動飛航查核系統"),
    ("ste", "新加坡科技電子公司", "ST Electronics", "SG", "Singapore Technologies Engineering",
     "捷運通訊及數位無線電系統"),
)

# key, name, sector, defense supplier, capability-database category, added to the database on, notes.
# The ten firms with a category are the report's 2011 capability-database additions (§四(一)5(3)).
FIRMS = (
    ("aidc", "漢翔航空工業股份有限公司", "航太", True, None, None, "MRJ 客機零組件 Tier 1 單一商源；先進複材中心(TACC)"),
    ("formosa_heavy", "台朔重工股份有限公司", "機械/風力發電", False, None, None, "2MW 風力發電機齒輪箱"),
    ("aac", "亞洲航空股份有限公司", "航空維修", True, "航空", date(2011, 4, 15), None),
    ("yongri", "永日公司", "車輛零組件", True, "車輛", date(2011, 5, 20), None),
    ("china_machinery", "中華機械股份有限公司", "車輛", True, "車輛", date(2011, 5, 20), None),
    ("tengya", "騰亞公司", "淨水裝備", True, "其他", date(2011, 6, 17), "淨水裝備"),
    ("earthnet", "台灣地網公司", "淨水裝備", True, "其他", date(2011, 6, 17), "淨水裝備"),
    ("gaotian", "高田公司", "偵檢裝備", True, "其他", date(2011, 8, 19), "偵檢裝備"),
    ("yuqiang", "育強公司", "偵檢裝備", True, "其他", date(2011, 8, 19), "偵檢裝備"),
    ("xianghe", "向禾公司", "偵檢裝備", True, "其他", date(2011, 8, 19), "偵檢裝備"),
    ("chending", "辰鼎公司", "鍋爐裝備", True, "其他", date(2011, 10, 21), "鍋爐裝備"),
    ("tw_thermal", "臺灣熱傳公司", "鍋爐裝備", True, "其他", date(2011, 10, 21), "鍋爐裝備"),
    ("shoprider", "必翔實業股份有限公司", "電動載具", False, None, None, None),
    ("getac", "神基科技股份有限公司", "資通電/加固型電腦", True, None, None, None),
    ("hwachin", "華擎機械工業股份有限公司", "工具機/精密加工", True, None, None, None),
    ("mingxie", "明燮企業有限公司", "光電元件", True, None, None, None),
    ("bingjie", "竝傑科技股份有限公司", "光電/能源", True, None, None, None),
    ("artc", "財團法人車輛研究測試中心", "車輛測試驗證", False, None, None, None),
    ("tailift", "台勵福股份有限公司", "物料搬運車輛", True, None, None, None),
    ("jingtong", "景同公司", "其他", False, None, None, None),
    ("ctci", "中鼎工程股份有限公司", "工程", False, None, None, None),
    ("trsc", "台灣車輛股份有限公司", "軌道車輛", False, None, None, None),
    ("mirdc", "財團法人金屬工業研究發展中心", "金屬加工", False, None, None, None),
    ("dcb", "財團法人生物技術開發中心", "生技醫藥", False, None, None, None),
)

# name, affiliation, field, kind — the pool review panels are drawn from (names are placeholders)
EXPERTS = (
    ("陳建志", "財團法人工業技術研究院", "機械與系統", "產業"),
    ("林美玲", "財團法人資訊工業策進會", "資通訊", "產業"),
    ("張文彬", "台灣區航太工業同業公會", "航太", "產業"),
    ("王志豪", "台灣區電機電子工業同業公會", "電機電子", "產業"),
    ("李淑芬", "財團法人船舶暨海洋產業研發中心", "船舶", "產業"),
    ("黃國榮", "國防部軍備局", "國防採購", "國防"),
    ("吳俊賢", "國防部軍備局中山科學研究院", "系統工程", "國防"),
    ("劉家銘", "空軍司令部", "航空後勤", "國防"),
    ("蔡明宏", "陸軍司令部", "車輛與通信", "國防"),
    ("楊宗翰", "海軍司令部", "艦艇後勤", "國防"),
    ("許雅婷", "國立清華大學", "材料", "學界"),
    ("鄭文華", "國立成功大學", "航太工程", "學界"),
    ("謝志明", "國立臺灣大學", "電機", "學界"),
    ("郭振宇", "國立交通大學", "運輸", "學界"),
    ("曾國峰", "國立中央大學", "能源", "學界"),
)

# --- procurements and agreements -----------------------------------------------------------------

# key, title, agency, year, currency, ICP specification notes
PROCUREMENTS = (
    ("tilt136", "臺鐵136輛傾斜式電聯車採購案", "交通部臺灣鐵路管理局", 2011, "NTD", "100年度修訂工業合作規範"),
    ("taichung", "臺中捷運烏日文心北屯線機電系統統包工程案", "臺中市政府", 2011, "NTD", "100年度修訂工業合作規範"),
    ("emu296", "臺鐵296輛電聯車採購案", "交通部臺灣鐵路管理局", 2011, "NTD", "100年度修訂工業合作規範"),
    ("wanda", "臺北捷運萬大線（第一期）機電系統工程案", "臺北市政府捷運工程局", 2011, "NTD", "100年度擬定工業合作規範"),
    ("flight_check", "自動飛航查核系統採購案", "交通部民用航空局", 2011, "USD", None),
    ("uh60m_engine", "國軍直升機發動機及後勤支援採購案", "國防部", 2011, "USD", None),
    ("pac3", "愛國者三型飛彈採購案", "國防部", 2010, "USD", None),
    ("nasc_uh60m", "空中勤務總隊UH-60M直升機採購案", "內政部空中勤務總隊", 2010, "USD", None),
    ("srp", "長程預警雷達系統採購案", "國防部", 2005, "USD", None),
    ("patriot", "愛國者飛彈系統性能提升案", "國防部", 2009, "USD", None),
    ("p3c", "P-3C長程定翼反潛機採購案", "國防部", 2009, "USD", None),
    ("apache", "AH-64E阿帕契攻擊直升機採購案", "國防部", 2010, "USD", None),
    ("s70", "海軍S-70C(M)-2反潛直升機採購案", "國防部", 1999, "USD", None),
    ("wind", "台電風力發電第二期計畫風力機組採購案", "台灣電力公司", 2006, "USD", None),
    ("incinerator", "垃圾資源回收(焚化)廠興建計畫焚化爐設備採購案", "行政院環境保護署", 1997, "USD", None),
    ("a330", "中華航空公司A330客機採購案", "交通部", 2004, "USD", None),
    ("xinzhuang", "臺北捷運新莊蘆洲等線機電系統工程案", "臺北市政府捷運工程局", 2005, "NTD", None),
    ("xinyi", "臺北捷運信義松山線機電系統工程採購案", "臺北市政府捷運工程局", 2008, "NTD", None),
    ("airport_mrt", "臺灣桃園國際機場聯外捷運系統建設計畫機電系統採購案", "交通部高速鐵路工程局", 2006, "NTD", None),
    ("tatan", "台電大潭電廠燃氣複循環機組採購案", "台灣電力公司", 2002, "USD", None),
    ("neihu", "臺北捷運內湖線機電系統工程案", "臺北市政府捷運工程局", 2002, "NTD", None),
)

# key, number, procurement, contractor, signed, obligation, currency, years to perform, status.
# The first eight are the 2011 signings (report: 8 agreements, about 2.11億 USD points, naming the
# first two); the split of the total is illustrative.
AGREEMENTS = (
    ("tilt136", "ICA-100-001", "tilt136", "sumitomo", date(2011, 6, 24), 45_360_000, "USD", 8, "已簽署"),
    ("taichung_khi", "ICA-100-002", "taichung", "kawasaki", date(2011, 10, 28), 30_150_000, "USD", 8, "已簽署"),
    ("taichung_alstom", "ICA-100-003", "taichung", "alstom", date(2011, 10, 28), 15_075_000, "USD", 8, "已簽署"),
    ("emu296", "ICA-100-004", "emu296", "nippon_sharyo", date(2011, 7, 8), 27_980_000, "USD", 8, "已簽署"),
    ("flight_check", "ICA-100-005", "flight_check", "nsm", date(2011, 4, 12), 19_850_000, "USD", 6, "執行中"),
    ("uh60m_engine", "ICA-100-006", "uh60m_engine", "ge", date(2011, 5, 20), 12_480_000, "USD", 8, "已簽署"),
    ("pac3", "ICA-100-007", "pac3", "lockheed", date(2011, 6, 15), 34_960_000, "USD", 10, "已簽署"),
    ("nasc_uh60m", "ICA-100-008", "nasc_uh60m", "sikorsky", date(2011, 2, 25), 25_283_500, "USD", 8, "已簽署"),
    ("srp", "ICA-094-002", "srp", "raytheon", date(2005, 6, 30), 300_000_000, "USD", 10, "執行中"),
    ("patriot", "ICA-098-004", "patriot", "raytheon", date(2009, 9, 15), 250_000_000, "USD", 10, "執行中"),
    ("p3c", "ICA-098-006", "p3c", "lockheed", date(2009, 11, 20), 300_000_000, "USD", 10, "執行中"),
    ("apache", "ICA-099-001", "apache", "boeing", date(2010, 3, 5), 400_000_000, "USD", 10, "執行中"),
    ("s70", "ICA-089-003", "s70", "sikorsky", date(2000, 5, 18), 150_000_000, "USD", 8, "展延"),
    ("wind", "ICA-095-005", "wind", "toyota_tsusho", date(2006, 10, 16), 40_000_000, "USD", 10, "執行中"),
    ("incinerator", "ICA-087-002", "incinerator", "mhi", date(1998, 3, 20), 260_000_000, "USD", 10, "展延"),
    ("a330", "ICA-093-001", "a330", "airbus", date(2004, 7, 1), 150_000_000, "USD", 10, "執行中"),
    ("xinzhuang", "ICA-094-006", "xinzhuang", "alstom", date(2005, 12, 1), 1_200_000_000, "NTD", 9, "執行中"),
    ("xinyi", "ICA-097-003", "xinyi", "kawasaki", date(2008, 4, 10), 120_000_000, "USD", 8, "執行中"),
    ("airport_mrt", "ICA-095-007", "airport_mrt", "marubeni", date(2006, 11, 24), 100_000_000, "USD", 10, "執行中"),
    ("tatan", "ICA-091-004", "tatan", "ge", date(2002, 8, 8), 200_000_000, "USD", 10, "展延"),
    ("neihu", "ICA-091-006", "neihu", "bombardier", date(2002, 12, 20), 60_000_000, "USD", 10, "展延"),
)

# --- meetings ------------------------------------------------------------------------------------

# key, held on, sequence, title, minutes approved, database updated. 2011 dates are the report's;
# the 2009–2010 meetings (which pre-approved the cases finally approved in 2011) are illustrative.
STEERING_MEETINGS = (
    ("S098-4", date(2009, 12, 10), 4, "98年度第4次工業合作推動小組會議", date(2009, 12, 18), date(2009, 12, 23)),
    ("S099-1", date(2010, 3, 18), 1, "99年度第1次工業合作推動小組會議", date(2010, 3, 26), date(2010, 3, 31)),
    ("S099-2", date(2010, 6, 10), 2, "99年度第2次工業合作推動小組會議", date(2010, 6, 18), date(2010, 6, 23)),
    ("S099-3", date(2010, 9, 9), 3, "99年度第3次工業合作推動小組會議", date(2010, 9, 17), date(2010, 9, 24)),
    ("S099-4", date(2010, 12, 9), 4, "99年度第4次工業合作推動小組會議", date(2010, 12, 17), date(2010, 12, 22)),
    ("S100-1", date(2011, 3, 17), 1, "100年度第1次工業合作推動小組會議", date(2011, 3, 25), date(2011, 3, 30)),
    ("S100-2", date(2011, 6, 2), 2, "100年度第2次工業合作推動小組會議", date(2011, 6, 16), date(2011, 6, 21)),
    ("S100-3", date(2011, 9, 8), 3, "100年度第3次工業合作推動小組會議", date(2011, 9, 26), date(2011, 9, 30)),
    ("S100-4", date(2011, 11, 29), 4, "100年度第4次工業合作推動小組會議", date(2011, 12, 6), date(2011, 12, 13)),
)

# kind, held on, sequence, title, chair, note
OTHER_MEETINGS = (
    (POLICY, date(2011, 7, 4), 1, "100年度第1次經濟部國防部工業合作政策指導會議", "經濟部次長、國防部副部長",
     "通過修訂「工業合作回饋金繳納作業要點」第五點（國防產業減半繳納）及「聯合談判團隊」籌組作法"),
    (POLICY, date(2011, 10, 6), None, "經濟部國防部工業合作推動機制執行策略研討會（工業合作資源運用與策略研討會議）",
     "經濟部次長、國防部副部長", "依第1次政策指導會議決議召開；通過自101年起廢除預存及留存額度沖銷實施要點"),
    (POLICY, date(2011, 12, 27), 2, "100年度第2次經濟部國防部工業合作政策指導會議", "經濟部次長、國防部副部長", None),
    (DEMAND_REVIEW, date(2011, 2, 16), 1, "100年第1季產業工合需求項目審查會議", None, "申請15項"),
    (DEMAND_REVIEW, date(2011, 5, 18), 2, "100年第2季產業工合需求項目審查會議", None, "申請35項（含上季保留2項）"),
    (DEMAND_REVIEW, date(2011, 8, 23), 3, "100年第3季產業工合需求項目初審會議", None, "審查22項（含上季保留6項）"),
    (DEMAND_REVIEW, date(2011, 11, 1), 4, "100年第4季產業工合需求項目初審會議", None, "審查14項"),
    (OTHER, date(2011, 7, 26), None, "航太及核能產業工合需求項目預審會議", None, "審查12項"),
    (OTHER, date(2011, 7, 28), None, "生技及能源產業工合需求項目預審會議", None, "審查10項"),
    (OTHER, date(2011, 10, 5), None, "綠能、生技、環保及航太產業工合需求項目預審會議", None, "審查7項"),
    (OTHER, date(2011, 10, 7), None, "資通電及民生化工產業工合需求項目預審會議", None, "審查7項"),
    (OTHER, date(2011, 3, 3), None, "工業合作績優執行單位及個人表揚第1次籌備會議", None, None),
    (OTHER, date(2011, 3, 21), None, "工業合作績優執行單位及個人表揚第2次籌備會議", None, "同日研討「衍生效益分析」應蒐集之資訊項目"),
    (OTHER, date(2011, 5, 9), None, "工業合作績優執行單位及個人獎勵初審會議", None, "評選出執行單位及個人績優前3名"),
    (DEFENSE_COUNCIL, date(2011, 7, 14), 1, "第63次軍公民營工業配合發展會報委員會議", None, None),
    (DEFENSE_COUNCIL, date(2011, 12, 19), 2, "第64次軍公民營工業配合發展會報委員會議", None, None),
)

# held on, title, contractor key, note — the report's dated negotiation meetings (it counts 25)
NEGOTIATIONS = (
    (date(2011, 2, 14), "洽談「Green Data Center (GDC)節能資料整合中心」工業合作計畫", "raytheon", "雷神公司及HP公司來訪"),
    (date(2011, 2, 22), "台北捷運「新莊蘆洲等線機電標案」之「通訊及數位無線電系統」及「軌道系統」計畫變更", "alstom",
     "法商阿爾斯通/中鼎工程公司共同承攬、新加坡科技電子公司等來訪"),
    (date(2011, 6, 10), "「信義、松山線機電系統工程採購案」工業合作計畫進度", "kawasaki",
     "川崎/丸紅/中鼎共同承攬、新加坡科技電子公司等來訪"),
    (date(2011, 6, 22), "「光電射控維修能量」工業合作個案", "raytheon", None),
    (date(2011, 6, 27), "「航太扣件供應商認證、精簡製造技術協助」執行事宜", "boeing",
     "同日美國在台協會協助波音等9家廠商召開「100年台北國際航太暨國防工業展覽」研討"),
    (date(2011, 6, 28), "雷神公司工業合作事宜", "raytheon", None),
    (date(2011, 7, 8), "SRP工業合作事宜", "raytheon", None),
    (date(2011, 9, 6), "「傾斜式電聯車136輛」購案工合計畫項目", "sumitomo", None),
    (date(2011, 9, 15), "波音公司執行航太扣件工合案事宜", "boeing", "金屬中心、航太小組來訪"),
    (date(2011, 10, 28), "「臺灣桃園國際機場聯外捷運系統建設計畫機電系統採購案」工合執行情況", "marubeni", "高鐵局"),
)
NEGOTIATION_TOTAL = 25
NEGOTIATION_FILLER_DATES = (
    date(2011, 1, 18), date(2011, 1, 25), date(2011, 3, 8), date(2011, 3, 15), date(2011, 4, 12),
    date(2011, 4, 19), date(2011, 5, 3), date(2011, 5, 24), date(2011, 7, 21), date(2011, 8, 4),
    date(2011, 8, 25), date(2011, 10, 13), date(2011, 11, 15), date(2011, 11, 22), date(2011, 12, 8),
)
NEGOTIATION_FILLER_CONTRACTORS = ("lockheed", "sikorsky", "sumitomo", "kawasaki", "alstom", "ge", "mhi",
                                  "nippon_sharyo", "nsm", "boeing", "airbus", "bombardier", "toyota_tsusho",
                                  "marubeni", "raytheon")

# held on, title, [(case key, review result)], dated in the report — it counts 14 sub-committee meetings
# and dates eight; the 2011-11-10 cases share one meeting (one meeting per kind and day), six are illustrative.
SUBCOMMITTEES = (
    (date(2011, 1, 20), "P-3C反潛機航電維修能量及國際行銷協助案產業分組會議",
     (("p3c_avionics", "通過審查"), ("ict_marketing", "通過審查"), ("backlight", "賡續送委員會審議")), False),
    (date(2011, 2, 23), "「台電風力發電機組運轉維護保養技術移轉及訓練」產業分組會議",
     (("wind_om", "通過審查"),), True),
    (date(2011, 4, 26), "「EASA 維修/稽核/檢驗人員、實作鑑定人員訓練」產業分組會議", (("easa", "通過審查"),), True),
    (date(2011, 7, 19), "「新莊蘆洲等線機電系統」購案「通訊及數位無線電系統」工業合作計畫變更產業分組會議",
     (("xz_radio", "通過審查"),), True),
    (date(2011, 7, 27), "「自動飛航查核系統維修能量技術移轉」產業分組會議", (("flight_mro", "通過審查"),), False),
    (date(2011, 8, 3), "「光電射控系統維修能量建立技術移轉」產業分組會議", (("eo_fire_control", "通過審查"),), False),
    (date(2011, 8, 11), "「模擬機操作/維修技轉及訓練案」產業分組會議", (("simulator", "通過審查"),), True),
    (date(2011, 8, 17), "「應用動力學套件進行加工策略與NC程式開發之最佳技術移轉」產業分組會議",
     (("nc_dynamics", "通過審查"),), True),
    (date(2011, 10, 12), "「綠色機房(GDC)」等資通電案產業分組會議",
     (("gdc", "通過審查"), ("server_psu", "通過審查"), ("solar", "賡續送委員會審議")), False),
    (date(2011, 10, 19), "「燃料電池發電機技術移轉」等案產業分組會議",
     (("fuel_cell", "通過審查"), ("carbody", "須再補充資料")), False),
    (date(2011, 10, 26), "「傾斜式電聯車136輛」購案「空調、照明及電子手冊採購」工業合作預核案產業分組會議",
     (("tilt_ac", "通過審查"),), True),
    (date(2011, 11, 2), "「戰術通信系統維修能量建立技術移轉」等案產業分組會議",
     (("tactical_radio", "通過審查"), ("yacht", "賡續送委員會審議"), ("tilt_electronics", "須再補充資料")), False),
    (date(2011, 11, 7), "「生技醫藥國際合作菁英人才培訓計畫」案產業分組會議", (("biotech_talent", "通過審查"),), True),
    (date(2011, 11, 10), "「摩擦攪拌焊接機具製造技術移轉」、「先進加工技術技轉」及「C系列客機複材組件生產技術移轉與國內採購」產業分組會議",
     (("fsw", "通過審查"), ("machining", "通過審查"), ("cseries", "通過審查")), True),
)

# held on, equipment — assessment pre-meetings (KPI ≥ 10; the report gives no dates)
ASSESSMENT_PRE_MEETINGS = (
    (date(2011, 1, 20), "淨水裝備"), (date(2011, 2, 24), "核生化偵檢裝備"), (date(2011, 3, 24), "野戰鍋爐裝備"),
    (date(2011, 4, 21), "輪型車輛傳動零組件"), (date(2011, 5, 26), "直升機維修能量"), (date(2011, 6, 23), "加固型電腦"),
    (date(2011, 7, 21), "電動載具"), (date(2011, 8, 18), "精密加工零組件"), (date(2011, 9, 22), "光電元件"),
    (date(2011, 10, 20), "野戰物料搬運車輛"),
)

# --- cases and the decision ledger ---------------------------------------------------------------

# key, number, title, agreement, type, field, defense class, currency, credit, multiplier, submitted,
# firms, note. Approved value = credit / multiplier (exact); the credit splits are illustrative but
# each meeting's totals are the report's.
CASES = (
    # pre-approved at the 2011 steering meetings
    ("wind_om", "C-100-001", "台電風力發電機組運轉維護保養技術移轉及訓練", "wind", "技術移轉", "能源", "產業工合", "USD",
     8_400_000, "2", date(2011, 1, 10), ("formosa_heavy",), None),
    ("ict_marketing", "C-099-041", "國產資通訊產品國際市場行銷協助", "p3c", "國際行銷及貿易推廣協助", "3C/資通電", "產業工合",
     "USD", 1_400_000, "1", date(2010, 12, 15), ("getac",), None),
    ("p3c_avionics", "C-099-042", "P-3C反潛機航電系統維修能量建立技術移轉", "p3c", "技術移轉", "國防", "直接國防工合", "USD",
     16_926_856, "2", date(2010, 12, 20), (), "承接單位：國軍維修單位"),
    ("easa", "C-100-007", "歐洲民航法規(EASA)維修/稽核/檢驗及實作鑑定人員訓練", "a330", "人員訓練", "航太", "產業工合", "USD",
     69_884_223, "1", date(2011, 3, 30), ("aac", "aidc"),
     "完成後每年提供航空業者至少新台幣10億8,000萬元直接維修收益，另每年節省外站簽證放行費用新台幣4億8,000萬元"),
    ("eo_fire_control", "C-100-015", "光電射控系統維修能量建立技術移轉", "srp", "技術移轉", "國防", "間接國防工合", "USD",
     120_000_000, "4", date(2011, 6, 30), ("getac", "bingjie"), None),
    ("simulator", "C-100-016", "模擬機操作/維修技轉及訓練", "s70", "人員訓練", "國防", "直接國防工合", "USD",
     45_000_000, "3", date(2011, 7, 11), (), "承接單位：國軍航空維修單位"),
    ("nc_dynamics", "C-100-017", "應用動力學套件進行加工策略與NC程式開發之最佳技術移轉", "p3c", "技術移轉", "國防",
     "間接國防工合", "USD", 40_000_000, "4", date(2011, 7, 15), ("aidc", "hwachin"), None),
    ("flight_mro", "C-100-014", "自動飛航查核系統維修能量技術移轉", "flight_check", "技術移轉", "3C/資通電", "產業工合", "USD",
     18_250_000, "2.5", date(2011, 6, 30), ("aac",), None),
    ("tilt_ac", "C-100-024", "傾斜式電聯車136輛空調、照明及電子手冊採購", "tilt136", "採購國內產品", "軌道運輸", "產業工合",
     "USD", 16_800_000, "1", date(2011, 9, 20), ("trsc",), None),
    ("biotech_talent", "C-100-027", "生技醫藥國際合作菁英人才培訓計畫", "tatan", "人員訓練", "生技醫藥", "產業工合", "USD",
     11_300_000, "2", date(2011, 10, 3), ("dcb",), None),
    ("fsw", "C-100-028", "摩擦攪拌焊接機具製造技術移轉", "apache", "技術移轉", "國防", "間接國防工合", "USD",
     24_000_000, "3", date(2011, 10, 5), ("mirdc", "mingxie"), None),
    ("machining", "C-100-029", "先進加工技術技轉", "p3c", "技術移轉", "國防", "間接國防工合", "USD",
     21_000_000, "3", date(2011, 10, 5), ("aidc",), None),
    ("cseries", "C-100-030", "C系列客機複材組件生產技術移轉與國內採購", "neihu", "技術移轉", "航太", "產業工合", "USD",
     6_000_000, "2", date(2011, 10, 7), ("aidc",), "部分額度以龐巴迪公司留存額度沖銷"),
    ("gdc", "C-100-021", "綠色機房(GDC)節能資料整合中心技術移轉", "patriot", "技術移轉", "3C/資通電", "產業工合", "USD",
     30_000_000, "2", date(2011, 9, 1), ("getac",), "雷神公司與惠普(HP)公司合作；100年3月29日辦理招商說明會"),
    ("fuel_cell", "C-100-022", "燃料電池發電機技術移轉", "patriot", "技術移轉", "能源", "產業工合", "USD",
     10_000_000, "2", date(2011, 9, 5), ("bingjie",), "100年7月20日辦理招商說明會"),
    ("tactical_radio", "C-100-025", "戰術通信系統維修能量建立技術移轉", "srp", "技術移轉", "國防", "直接國防工合", "USD",
     22_500_000, "3", date(2011, 9, 26), (), "承接單位：國軍通信維修單位"),
    ("server_psu", "C-100-023", "資料中心伺服器電源模組技術移轉", "patriot", "技術移轉", "3C/資通電", "產業工合", "USD",
     5_992_430, "2", date(2011, 9, 1), ("mingxie",), None),
    # finally approved in 2011 (pre-approved 2009–2010)
    ("gearbox", "C-098-031", "2MW風力發電機齒輪箱技術移轉", "wind", "技術移轉", "能源", "產業工合", "USD",
     12_000_000, "3", date(2010, 1, 20), ("formosa_heavy",),
     "豐田通商協助，由台朔重工引進英國Romax公司2MW風機齒輪箱技術；台朔重工已投資新台幣2億3,000萬元，每年創造4億元產值"),
    ("srp_rd", "C-098-024", "長程預警雷達訊號處理共同研發", "srp", "研究發展", "國防", "間接國防工合", "USD",
     8_000_000, "2", date(2009, 10, 15), ("getac",), None),
    ("xinyi_joint", "C-098-025", "信義松山線機電系統聯合承攬", "xinyi", "聯合承攬", "軌道運輸", "產業工合", "USD",
     6_500_000, "1", date(2009, 10, 20), ("ctci",), "川崎/丸紅/中鼎共同承攬"),
    ("s70_training", "C-098-033", "反潛直升機維修人員訓練", "s70", "人員訓練", "國防", "直接國防工合", "USD",
     5_000_000, "1", date(2010, 1, 25), (), None),
    ("tool_marketing", "C-098-027", "國產工具機國際市場行銷協助", "p3c", "國際行銷及貿易推廣協助", "其他", "產業工合", "USD",
     6_372_762, "2", date(2009, 11, 25), ("hwachin",), None),
    ("mrj", "C-098-021", "MRJ客機零組件技術移轉與國內採購", "incinerator", "技術移轉", "航太", "產業工合", "USD",
     150_000_000, "2", date(2009, 10, 1), ("aidc",),
     "漢翔與三菱飛機公司共同開發MRJ70/90前緣縫翼、襟翼、機腹整流罩、方向舵與升降舵；三菱重工提供新台幣9億9,780萬元訂單"),
    ("b737_doors", "C-099-012", "737/747客機壓力艙門暨737客機主起落架艙門國內採購", "apache", "採購國內產品", "航太",
     "產業工合", "USD", 85_000_000, "1", date(2010, 4, 20), ("aidc",), "促成波音公司來台直接採購金額新台幣25億5,000萬元"),
    ("patriot_mro", "C-098-026", "愛國者飛彈系統維修能量技術移轉", "patriot", "技術移轉", "國防", "直接國防工合", "USD",
     40_000_000, "4", date(2009, 11, 10), (), "承接單位：國軍飛彈維修單位"),
    ("ge_investment", "C-098-034", "燃氣渦輪機維修廠國內投資", "tatan", "國內投資", "能源", "產業工合", "USD",
     20_000_000, "2", date(2010, 2, 1), (), "奇異公司在臺子公司投資"),
    ("composite_rd", "C-099-013", "航太複合材料共同研發", "apache", "研究發展", "航太", "產業工合", "USD",
     10_627_864, "2", date(2010, 4, 22), ("aidc", "mirdc"), None),
    ("p3c_training", "C-098-035", "P-3C反潛機維修人員訓練", "p3c", "人員訓練", "國防", "直接國防工合", "USD",
     7_000_000, "1", date(2010, 2, 5), (), None),
    ("satcom", "C-098-036", "衛星通信地面站技術移轉", "patriot", "技術移轉", "3C/資通電", "產業工合", "USD",
     6_926_904, "2", date(2010, 2, 10), ("getac",), None),
    ("xz_procurement", "C-098-028", "新莊蘆洲線機電設備國內採購", "xinzhuang", "採購國內產品", "軌道運輸", "產業工合", "NTD",
     199_162_419, "1", date(2009, 10, 28), ("ctci",), None),
    ("s70_parts", "C-098-037", "反潛直升機零組件國內採購", "s70", "採購國內產品", "國防", "間接國防工合", "USD",
     40_000_000, "1", date(2010, 2, 12), ("aidc", "aac"), None),
    ("srp_mro", "C-099-014", "長程預警雷達後勤維修能量技術移轉", "srp", "技術移轉", "國防", "直接國防工合", "USD",
     36_000_000, "3", date(2010, 4, 28), (), "承接單位：國軍雷達維修單位"),
    ("bogie", "C-098-038", "軌道車輛轉向架技術移轉", "xinyi", "技術移轉", "軌道運輸", "產業工合", "USD",
     24_000_000, "2", date(2010, 2, 15), ("trsc",), None),
    ("led", "C-099-015", "LED照明技術移轉", "tatan", "技術移轉", "綠能環保", "產業工合", "USD",
     18_000_000, "2", date(2010, 5, 3), ("mingxie",), None),
    ("as9100", "C-099-016", "航太品質系統國際認證(AS9100)協助", "apache", "國際認證", "航太", "產業工合", "USD",
     8_000_000, "1", date(2010, 5, 5), ("jingtong",), None),
    ("airport_procurement", "C-098-029", "機場聯外捷運系統機電設備國內採購", "airport_mrt", "採購國內產品", "軌道運輸",
     "產業工合", "USD", 22_016_537, "1", date(2009, 11, 2), ("ctci",), None),
    # in progress: extended, filed, withdrawn
    ("fastener", "C-099-021", "航太扣件供應商認證及精簡製造技術協助", "apache", "國際認證", "航太", "產業工合", "USD",
     4_000_000, "1", date(2010, 7, 20), ("mirdc",), None),
    ("xz_radio", "C-099-002", "新莊蘆洲線通訊及數位無線電系統國內採購", "xinzhuang", "採購國內產品", "軌道運輸", "產業工合",
     "NTD", 120_000_000, "1", date(2010, 2, 20), ("ctci",), "100年7月19日產業分組會議審查計畫變更"),
    ("xz_track", "C-099-017", "新莊蘆洲線軌道系統國內採購", "xinzhuang", "採購國內產品", "軌道運輸", "產業工合", "NTD",
     80_000_000, "1", date(2010, 5, 10), ("ctci",), None),
    ("srp_training", "C-099-003", "長程預警雷達操作維修人員訓練", "srp", "人員訓練", "國防", "直接國防工合", "USD",
     6_000_000, "1", date(2010, 2, 22), (), None),
    ("p3c_structure", "C-099-022", "P-3C反潛機結構維修能量技術移轉", "p3c", "技術移轉", "國防", "間接國防工合", "USD",
     12_000_000, "3", date(2010, 7, 22), ("aac",), None),
    ("blade_repair", "C-099-018", "燃氣渦輪機葉片修護技術移轉", "tatan", "技術移轉", "能源", "產業工合", "USD",
     9_000_000, "3", date(2010, 5, 12), ("china_machinery",), None),
    ("train_control", "C-099-023", "列車控制系統技術移轉", "xinyi", "技術移轉", "軌道運輸", "產業工合", "USD",
     8_000_000, "2", date(2010, 7, 26), ("artc",), None),
    ("scooter_marketing", "C-099-024", "電動代步車產品國際市場行銷協助", "incinerator", "國際行銷及貿易推廣協助", "其他",
     "產業工合", "USD", 3_000_000, "1", date(2010, 7, 28), ("shoprider",), None),
    ("avionics_parts", "C-099-025", "航空電子零組件國內採購", "a330", "採購國內產品", "航太", "產業工合", "USD",
     7_000_000, "1", date(2010, 7, 30), ("aidc",), None),
    ("specialty_chem", "C-099-031", "特用化學品製程技術移轉", "incinerator", "技術移轉", "民生化工", "產業工合", "USD",
     5_000_000, "2", date(2010, 10, 20), ("jingtong",), None),
    ("radar_vehicle", "C-099-026", "雷達車輛載具零組件國內採購", "srp", "採購國內產品", "國防", "間接國防工合", "USD",
     5_000_000, "1", date(2010, 8, 2), ("yongri", "china_machinery"), None),
    ("blade_composite", "C-099-032", "風力機葉片複材技術移轉", "wind", "技術移轉", "能源", "產業工合", "USD",
     4_000_000, "2", date(2010, 10, 22), ("formosa_heavy",), None),
    ("boiler_saving", "C-099-033", "工業用鍋爐節能技術移轉", "tatan", "技術移轉", "綠能環保", "產業工合", "USD",
     3_000_000, "2", date(2010, 10, 25), ("tw_thermal",), None),
    # finally approved before 2011, closed or banked in 2011
    ("radar_antenna", "C-098-022", "雷達天線組件國內採購", "srp", "採購國內產品", "國防", "間接國防工合", "USD",
     10_000_000, "1", date(2009, 10, 5), ("aidc",), None),
    ("plant_training", "C-098-023", "電廠控制系統人員訓練", "tatan", "人員訓練", "能源", "產業工合", "USD",
     3_000_000, "1", date(2009, 10, 8), (), None),
    ("turbine_parts", "C-098-039", "燃氣渦輪機零組件國內採購", "tatan", "採購國內產品", "能源", "產業工合", "USD",
     15_000_000, "1", date(2010, 2, 18), ("china_machinery",), None),
    ("neihu_automation", "C-098-030", "自動化設備國內採購", "neihu", "採購國內產品", "軌道運輸", "產業工合", "USD",
     5_000_000, "1", date(2009, 10, 30), ("tailift",), None),
    # rejected, returned for renegotiation, still being applied for
    ("backlight", "C-100-002", "液晶顯示器背光模組技術移轉", "tatan", "技術移轉", "3C/資通電", "產業工合", "USD",
     4_000_000, "2", date(2011, 1, 5), ("mingxie",), None),
    ("solar", "C-100-026", "太陽能電池製程設備國內採購", "xinyi", "採購國內產品", "綠能環保", "產業工合", "USD",
     6_000_000, "1", date(2011, 9, 28), ("bingjie",), None),
    ("yacht", "C-100-031", "遊艇製造技術移轉", "incinerator", "技術移轉", "其他", "產業工合", "USD",
     3_000_000, "2", date(2011, 10, 10), ("jingtong",), None),
    ("carbody", "C-100-032", "軌道車輛車體製造技術移轉", "emu296", "技術移轉", "軌道運輸", "產業工合", "USD",
     8_000_000, "2", date(2011, 10, 11), ("trsc",), None),
    ("tilt_electronics", "C-100-033", "傾斜式電聯車車載電子設備技術移轉", "tilt136", "技術移轉", "軌道運輸", "產業工合",
     "USD", 10_000_000, "2", date(2011, 10, 12), ("trsc",), None),
    ("lm_maintenance_centre", "C-100-040", "洛馬公司來台投資成立區域維修中心", "pac3", "國內投資", "國防", "間接國防工合", "USD",
     20_000_000, "2", date(2011, 12, 15), (), "於協議書洽談過程爭取洛馬公司來台投資成立區域維修中心"),
)

# technologies introduced, estimated output (USD), derived commercial benefit (NTD), domestic
# investment induced (NTD) — on the 17 cases pre-approved in 2011, so the year's KPIs come out as the
# report's: 16 technologies, output 9.376億 USD, benefit 24.976億 NTD (investment ≥ 4億: illustrative).
CASE_BENEFITS = {
    "wind_om": (1, 45_000_000, 120_000_000, None),
    "p3c_avionics": (2, 60_000_000, None, None),
    "easa": (0, None, 1_080_000_000, None),
    "eo_fire_control": (3, 250_000_000, 300_000_000, 100_000_000),
    "simulator": (1, 40_000_000, None, None),
    "nc_dynamics": (1, 55_000_000, 117_600_000, None),
    "flight_mro": (1, 30_000_000, None, None),
    "tilt_ac": (0, None, 100_000_000, None),
    "fsw": (2, 120_000_000, 200_000_000, None),
    "machining": (1, 70_000_000, None, None),
    "cseries": (1, 90_000_000, 180_000_000, None),
    "gdc": (1, 80_000_000, 250_000_000, 200_000_000),
    "fuel_cell": (1, 47_600_000, 150_000_000, 120_000_000),
    "tactical_radio": (1, 50_000_000, None, None),
}

# meeting, kind, cases, note. 2011 per-meeting counts follow the report (§四(一)3(2)); the two
# 再協商 of the year's total (預核18案含駁回2案、再協商2案) are not dated by it and sit at the 4th.
DECISIONS = (
    ("S098-4", "預核通過", ("srp_rd", "xinyi_joint", "tool_marketing", "mrj", "patriot_mro", "xz_procurement",
                         "airport_procurement", "radar_antenna", "plant_training", "neihu_automation"), None),
    ("S099-1", "預核通過", ("gearbox", "s70_training", "ge_investment", "p3c_training", "satcom", "s70_parts",
                         "bogie", "xz_radio", "srp_training", "turbine_parts"), None),
    ("S099-2", "預核通過", ("b737_doors", "composite_rd", "srp_mro", "led", "as9100", "xz_track", "blade_repair"), None),
    ("S099-3", "預核通過", ("fastener", "p3c_structure", "train_control", "scooter_marketing", "avionics_parts",
                         "radar_vehicle"), None),
    ("S099-3", "實核通過", ("radar_antenna", "neihu_automation"), None),
    ("S099-4", "預核通過", ("specialty_chem", "blade_composite", "boiler_saving"), None),
    ("S099-4", "實核通過", ("plant_training", "turbine_parts"), None),
    # 100年第1次 (3/17): 預核3案 2,672萬6,856、實核5案 3,787萬2,762、預核核駁1案、結案2案、展延3案
    ("S100-1", "預核通過", ("wind_om", "ict_marketing", "p3c_avionics"), None),
    ("S100-1", "實核通過", ("gearbox", "srp_rd", "xinyi_joint", "s70_training", "tool_marketing"), None),
    ("S100-1", "預核駁回", ("backlight",), "非屬協議書所附工業合作計畫書表列項目"),
    ("S100-1", "結案", ("radar_antenna", "plant_training"), None),
    ("S100-1", "展延", ("fastener", "p3c_structure", "blade_repair"), "履約期限展延1年"),
    # 第2次 (6/2): 預核1案、實核5案、備查1案、結案1案、展延2案、結案暨額度留存1案、保留額度留存1案
    ("S100-2", "預核通過", ("easa",), None),
    ("S100-2", "實核通過", ("mrj", "b737_doors", "patriot_mro", "ge_investment", "composite_rd"), None),
    ("S100-2", "備查", ("blade_repair",), "進度報告備查"),
    ("S100-2", "結案", ("xinyi_joint", "turbine_parts"), None),
    ("S100-2", "額度留存", ("turbine_parts",), "結案暨額度留存：超出協議書所需額度部分留存"),
    ("S100-2", "額度留存", ("neihu_automation",), "保留額度留存"),
    ("S100-2", "展延", ("train_control", "avionics_parts"), "履約期限展延6個月"),
    # 第3次 (9/8): 預核4案 2億2,325萬、實核3案 1,392萬6,904美元點及1億9,916萬2,419新台幣點、
    # 備查1案、結案1案、展延5案、撤案1案
    ("S100-3", "預核通過", ("eo_fire_control", "simulator", "nc_dynamics", "flight_mro"), None),
    ("S100-3", "實核通過", ("p3c_training", "satcom", "xz_procurement"), None),
    ("S100-3", "備查", ("xz_radio",), "「通訊及數位無線電系統」工業合作計畫變更備查"),
    ("S100-3", "結案", ("gearbox",), None),
    ("S100-3", "展延", ("xz_track", "srp_training", "scooter_marketing", "specialty_chem", "radar_vehicle"),
     "履約期限展延1年"),
    ("S100-3", "撤案", ("blade_composite",), "外商申請撤案"),
    # 第4次 (11/29): 預核9案 1億4,759萬2,430、駁回2案、實核6案 1億4,801萬6,537、結案1案、展延1案、撤案1案
    ("S100-4", "預核通過", ("tilt_ac", "biotech_talent", "fsw", "machining", "cseries", "gdc", "fuel_cell",
                         "tactical_radio", "server_psu"), None),
    ("S100-4", "預核駁回", ("solar", "yacht"), "未公開遴選國內廠商"),
    ("S100-4", "再協商", ("carbody", "tilt_electronics"), "報告年度合計列再協商2案，未載會次；示範置於本次"),
    ("S100-4", "實核通過", ("s70_parts", "srp_mro", "bogie", "led", "as9100", "airport_procurement"), None),
    ("S100-4", "結案", ("b737_doors",), None),
    ("S100-4", "展延", ("train_control",), "履約期限再展延6個月"),
    ("S100-4", "撤案", ("boiler_saving",), "外商申請撤案"),
)

# source case, amount, currency, banked on, valid until, used by, used on, note
BANKED_CREDITS = (
    ("turbine_parts", 1_250_000, "USD", date(2011, 6, 2), date(2016, 6, 1), None, None,
     "100年第2次推動小組會議結案暨額度留存；101年起不再受理新留存，既有餘額仍可使用"),
    ("neihu_automation", 800_000, "USD", date(2011, 6, 2), date(2016, 6, 1), "cseries", date(2011, 11, 29),
     "保留額度留存，由C系列客機複材組件案沖銷"),
)

# --- activities ----------------------------------------------------------------------------------

# key, requested on, completed on, item, military project, firms, outcome, follow-up case, follow-up.
# The report sets the KPI (≥ 10 reports) without listing them; items follow its capability-database
# firms and factory visits.
ASSESSMENTS = (
    ("water", date(2010, 12, 10), date(2011, 2, 18), "淨水裝備", "野戰淨水能量籌建", ("tengya", "earthnet"),
     "已具能量", None, "納入能量資料庫"),
    ("cbrn", date(2011, 1, 12), date(2011, 3, 25), "核生化偵檢裝備", "化學兵偵檢裝備籌補", ("gaotian", "yuqiang", "xianghe"),
     "透過工業合作可建立能量", None, "建議納入工業合作規範"),
    ("boiler", date(2011, 2, 14), date(2011, 4, 22), "野戰鍋爐裝備", "後勤支援裝備籌補", ("chending", "tw_thermal"),
     "已具能量", None, "納入能量資料庫"),
    ("drivetrain", date(2011, 3, 10), date(2011, 5, 20), "輪型車輛傳動零組件", "輪型甲車後勤維保",
     ("yongri", "china_machinery"), "已具能量", None, "納入能量資料庫"),
    ("helicopter", date(2011, 4, 8), date(2011, 6, 24), "直升機維修能量", "直升機後勤維修", ("aac",),
     "透過工業合作可建立能量", "simulator", "以模擬機操作/維修技轉及訓練案建立能量"),
    ("rugged_pc", date(2011, 5, 9), date(2011, 7, 22), "加固型電腦", "戰術資訊系統", ("getac",), "已具能量", None, None),
    ("mobility", date(2011, 6, 7), date(2011, 8, 19), "電動載具", "營區電動載具", ("shoprider",), "不具能量", None,
     "建議外購"),
    ("precision", date(2011, 7, 5), date(2011, 9, 23), "精密加工零組件", "飛彈零組件籌補", ("hwachin",),
     "透過工業合作可建立能量", "nc_dynamics", "以NC程式開發技術移轉案建立能量"),
    ("optronics", date(2011, 8, 3), date(2011, 10, 21), "光電元件", "光電射控系統維修", ("mingxie", "bingjie"),
     "透過工業合作可建立能量", "eo_fire_control", "以光電射控系統維修能量建立技術移轉案建立能量"),
    ("materials_handling", date(2011, 9, 5), date(2011, 11, 18), "野戰物料搬運車輛", "後勤物料搬運裝備",
     ("tailift", "artc"), "已具能量", None, "納入能量資料庫"),
)

# firm, visited on, assessment, purpose — the report's eight 2011 visits (dates illustrative)
FACTORY_VISITS = (
    ("shoprider", date(2011, 7, 8), "mobility", "電動載具自製能量訪廠評估"),
    ("getac", date(2011, 6, 10), "rugged_pc", "加固型電腦自製能量訪廠評估"),
    ("china_machinery", date(2011, 4, 29), "drivetrain", "輪型車輛傳動零組件自製能量訪廠評估"),
    ("hwachin", date(2011, 8, 26), "precision", "精密加工零組件自製能量訪廠評估"),
    ("mingxie", date(2011, 9, 16), "optronics", "光電元件自製能量訪廠評估"),
    ("bingjie", date(2011, 9, 30), "optronics", "光電元件自製能量訪廠評估"),
    ("artc", date(2011, 10, 28), "materials_handling", "車輛測試驗證能量訪廠評估"),
    ("tailift", date(2011, 11, 11), "materials_handling", "物料搬運車輛自製能量訪廠評估"),
)

# starts on, title, audience, location, trainees, hours. The report gives no trainee count for the
# first four (the counts are illustrative, chosen to meet the ≥ 30 and ≥ 150 targets); TrainingSession
# has no note column to say so.
TRAININGS = (
    (date(2011, 5, 12), "工業合作教育訓練講習", "國軍幹部", None, 42, D("3")),
    (date(2011, 6, 15), "100年度工業合作教育訓練講習", "政府採購單位", None, 38, D("3")),
    (date(2011, 10, 14), "工業合作現況及配合作法宣導說明會（南部地區，會同軍公民營工業配合發展會報）", "國防工業廠商",
     "高雄", 36, D("3")),
    (date(2011, 10, 19), "工業合作現況及配合作法宣導說明會（北部地區，會同軍公民營工業配合發展會報）", "國防工業廠商",
     "台北", 48, D("3")),
    (date(2011, 10, 28), "人員教育訓練", "工作人員", None, 25, D("6")),
    (date(2011, 11, 4), "人員教育訓練", "國軍幹部", None, 63, D("3")),
)

# kind, starts on, ends on, title, contractor, location, attendees, firms, note
EVENTS = (
    ("宣導說明會", date(2011, 7, 7), None, "國軍單位軍官團工業合作宣導說明會", "raytheon", "國軍單位", 68, (),
     "會後研討與雷神公司合作之光電射控能量工業合作個案"),
    ("宣導說明會", date(2011, 9, 21), None, "「產業工合需求項目申請」宣導說明會", None, "台灣區複合材料工業同業公會", None,
     (), None),
    ("招商說明會/技術移轉說明會", date(2011, 3, 29), None, "「綠色機房(GDC)」廠商招商說明會", "raytheon", None, 33,
     ("getac", "mingxie"), "雷神/HP公司；參與廠家20家、33人次"),
    ("招商說明會/技術移轉說明會", date(2011, 6, 29), None, "「查核裝備維修能量」廠商招商說明會", "nsm", None, 9, ("aac",),
     "參與廠家4家、9人"),
    ("招商說明會/技術移轉說明會", date(2011, 7, 20), None, "「燃料電池發電機」招商說明會", "raytheon", None, 10,
     ("bingjie",), "國內廠商4家10人"),
    ("招商說明會/技術移轉說明會", date(2011, 8, 12), None, "「空調通勤電聯車296輛」招商說明會", "nippon_sharyo",
     "台北世貿中心", None, ("trsc",), "配合台灣車輛公司辦理"),
    ("招商說明會/技術移轉說明會", date(2011, 8, 12), None, "「奇異公司技術能量」說明會", "ge", "台北世貿中心", None, (), None),
    ("招商說明會/技術移轉說明會", date(2011, 8, 12), None, "「海洋能發展契機」說明會", "lockheed", "台北世貿中心", None, (),
     None),
    ("招商說明會/技術移轉說明會", date(2011, 9, 2), None, "「傾斜式電聯車136輛」招商說明會", "sumitomo", "住友商事臺灣分公司",
     None, ("trsc",), None),
    ("招商說明會/技術移轉說明會", date(2011, 12, 16), None, "「臺中捷運烏日文心北屯線機電系統」購案工業合作招商說明會",
     "kawasaki", "臺北科技大樓", None, (), "川崎重工業株式會社及阿爾斯通交通運輸公司共同辦理"),
    ("技術能量調查", date(2011, 5, 14), date(2011, 5, 21), "美商塞考斯基公司技術能量調查", "sikorsky", "美國", None, (),
     None),
    ("技術能量調查", date(2011, 5, 14), date(2011, 5, 21), "美商雷神公司技術能量調查", "raytheon", "美國", None, (), None),
    ("表揚大會", date(2011, 8, 12), None, "2011年工業合作績優執行單位及個人表揚暨聯合說明會", None,
     "台北世界貿易中心一館2樓第4會議室", 140, ("aidc", "formosa_heavy"), "由金機組邱組長頒發獎項"),
    ("參訪", date(2011, 11, 4), None, "參訪亞洲航空公司", None, "亞洲航空公司", 47, ("aac",), None),
    ("研討會/座談會", date(2011, 5, 12), None, "100年度工業合作宣導說明會", None, None, None, (), None),
)

# kind, published on, title, copies, recipients
PUBLICATIONS = (
    ("電子報", date(2011, 3, 31), "100年第1期工合電子報", None, "刊登於工合網站，並發送200名以上收件者"),
    ("電子報", date(2011, 12, 31), "100年第2期工合電子報", None, "寄送200名外部人員參閱"),
    ("中文簡介", date(2011, 8, 10), "2011推動工業合作計畫簡介（中文版）", 500, "工業局圖書室指定之16個政府單位及圖書館"),
    ("英文簡介", date(2011, 8, 10), "2011 Industrial Cooperation Program", 500, "工業局圖書室指定之16個政府單位及圖書館"),
    ("成果彙編", date(2011, 12, 31), "2011年推動工業合作計畫成果彙編", 300, "寄存工業局圖書室指定之16個政府單位及圖書館"),
    ("網站公告/更新", date(2011, 1, 12), "新增活動訊息「工業合作技術移轉暨招商說明會-美商雷神公司」", None, None),
    ("網站公告/更新", date(2011, 2, 24), "新增活動訊息「工業合作績優執行單位與個人評選與表揚大會」", None, None),
    ("網站公告/更新", date(2011, 4, 6), "依第1次小組會會議紀錄更新歷年成效及資源運用數據及圖表", None, None),
    ("網站公告/更新", date(2011, 6, 22), "更新「產業工合需求項目清單」中英文版（優先2項、一般13項）", None, None),
    ("網站公告/更新", date(2011, 9, 23), "更新產業工合需求項目中英文版（優先5項、一般1項）", None, None),
    ("網站公告/更新", date(2011, 11, 10), "發佈美商雷神公司及塞考斯基公司之技術能量清單", None, None),
    ("網站公告/更新", date(2011, 11, 20), "建置「經濟部推動國防產業資訊平台」", None, None),
    ("網站公告/更新", date(2011, 12, 14), "依第4次小組會議紀錄更新歷年成效及資源運用數據及圖表", None, None),
)

# category, rank, firm, person, citation — 2011 round (biennial, ≤ 4 awards); recipients illustrative
AWARDS = (
    ("團體獎", 1, "aidc", None, "執行MRJ客機零組件及737/747客機艙門工合案"),
    ("團體獎", 2, "formosa_heavy", None, "執行2MW風力發電機齒輪箱技術移轉案"),
    ("個人獎", 1, None, "王大明", "示範：得獎個人姓名為示意"),
    ("個人獎", 2, None, "陳小華", "示範：得獎個人姓名為示意"),
)
AWARD_CEREMONY = date(2011, 8, 12)

# quarter, first review, steering meeting, counts of (priority, general, held, out), carried from last
# quarter — the report's per-quarter results (§四(一)1(1)–(2)).
DEMAND_QUARTERS = (
    (1, date(2011, 2, 16), "S100-1", (2, 3, 2, 8), 0),
    (2, date(2011, 5, 18), "S100-2", (2, 13, 7, 13), 2),
    (3, date(2011, 8, 23), "S100-3", (4, 1, 0, 17), 6),
    (4, date(2011, 11, 1), "S100-4", (5, 0, 0, 9), 0),
)
# title, industry, proposing unit — topic pool for the demand items (illustrative)
DEMAND_TOPICS = (
    ("航空發動機零組件維修技術", "航太", "航太產業發展推動小組"),
    ("複合材料結構件自動化製程", "航太", "台灣區複合材料工業同業公會"),
    ("智慧電網電力電子模組", "能源", "能源國家型科技計畫辦公室"),
    ("離岸風力機組維修技術", "能源", "綠色能源產業推動小組"),
    ("雲端資料中心節能技術", "3C/資通電", "台灣區電機電子工業同業公會"),
    ("LTE 通訊模組驗證能量", "3C/資通電", "財團法人資訊工業策進會"),
    ("生物製劑製程開發", "生技醫藥", "生技醫藥產業發展推動辦公室"),
    ("醫療器材國際認證", "生技醫藥", "財團法人生物技術開發中心"),
    ("軌道車輛轉向架設計", "軌道運輸", "財團法人車輛研究測試中心"),
    ("捷運號誌系統國產化", "軌道運輸", "台灣軌道工程協會"),
    ("廢棄物焚化爐操作維護", "綠能環保", "行政院環境保護署"),
    ("LED 照明光學設計", "綠能環保", "台灣區照明燈具輸出業同業公會"),
    ("特用化學品純化技術", "民生化工", "台灣區石油化學工業同業公會"),
    ("機能性紡織品開發", "民生化工", "台灣區紡織業同業公會"),
    ("雷達系統維修能量", "國防", "國防部軍備局"),
    ("光電射控系統維修", "國防", "國防部軍備局"),
    ("精密工具機控制器", "其他", "財團法人工業技術研究院"),
    ("遊艇複材船體製造", "其他", "台灣區遊艇工業同業公會"),
)

# --- programme records ---------------------------------------------------------------------------

# year, work item, KPI, target, unit, actual source (the count or sum that gives the actual), manual
# actual (only where no record can carry it), note — the 2011 KPIs of domain.md §6
ANNUAL_TARGETS = (
    ("規劃研究", "產業需求工業合作項目審查", 2, "次", "meetings:需求項目審查會議", None, None),
    ("規劃研究", "工業合作項目資料庫建立及維護", 2, "次", "demand_quarters_passed", None, None),
    ("規劃研究", "工業合作政策指導會議", 2, "場", "meetings:工業合作政策指導會議", None, None),
    ("推廣宣導", "推動工業合作宣導說明會", 2, "場", "events:宣導說明會", None, None),
    ("推廣宣導", "技術移轉/招商說明會", 2, "場", "events:招商說明會/技術移轉說明會", None, None),
    ("推廣宣導", "工業合作電子報", 2, "期", "publications:電子報", None, None),
    ("推廣宣導", "中文版工業合作簡介印製", 500, "本", "copies:中文簡介", None, None),
    ("推廣宣導", "英文版工業合作簡介印製", 500, "本", "copies:英文簡介", None, None),
    ("推廣宣導", "成果彙編印製", 200, "本", "copies:成果彙編", None, None),
    ("談判與協商", "簽署工業合作協議書", 4, "份", "agreements_signed", None, None),
    ("談判與協商", "爭取工業合作額度", 60_000_000, "美元點", "agreements_obligation_usd", None, None),
    ("談判與協商", "預核與實核工業合作個案額度", 100_000_000, "美元點", "credits_pre_final_usd", None, None),
    ("談判與協商", "衍生商業效益", 2_000_000_000, "新台幣元", "cases_derived_benefit_ntd", None, None),
    ("談判與協商", "促成國內廠商投資", 400_000_000, "新台幣元", "cases_induced_investment_ntd", None, None),
    ("談判與協商", "協商談判會議", 16, "場", "meetings:協商談判會議", None, None),
    ("談判與協商", "引進技術轉移", 15, "項", "cases_technologies", None, None),
    ("談判與協商", "國外工合承商技術能量調查", 2, "家", "events:技術能量調查", None, None),
    ("談判與協商", "工業合作績優執行單位與個人表揚", 1, "場", "events:表揚大會", None, None),
    ("個案審核", "產業分組委員會議", 8, "次", "meetings:產業分組委員會議", None, None),
    ("個案審核", "工業合作推動小組會議", 4, "次", "meetings:工業合作推動小組會議", None, None),
    ("個案審核", "預/實核工業合作個案", 20, "案", "decisions_pre_final_count", None, None),
    ("個案審核", "會議紀錄核定後5日內更新工合資料庫", 4, "次", "meetings_db_updated_in_time", None,
     "以工作天計"),
    ("軍品釋商", "軍公民營工業配合發展會報委員會議", 2, "場", "meetings:軍公民營工業配合發展會報", None, None),
    ("軍品釋商", "國防工業廠商教育訓練", 1, "場", "trainings:國防工業廠商", None, None),
    ("軍品釋商", "國防工業廠商教育訓練參訓人次", 30, "人次", "trainees:國防工業廠商", None, None),
    ("軍品釋商", "領導廠商或系統廠商能量資料庫", 10, "家", "firms_capability_db_added", None, None),
    ("軍品釋商", "評估委員先期研討會", 10, "場", "meetings:評估委員先期研討會", None, None),
    ("軍品釋商", "訪廠評估", 8, "廠次", "factory_visits", None, None),
    ("軍品釋商", "完成評估報告", 10, "份", "assessments_completed", None, None),
    ("軍品釋商", "建立及維護更新檔案資訊", 10, "筆", "manual", 14, "騰亞、台灣地網、亞航、台勵福、永日、中華機械、景同等14家"),
    ("軍品釋商", "教育訓練", 3, "場", "trainings:other", None, "對象為國防工業廠商以外之場次"),
    ("軍品釋商", "教育訓練參訓人次", 150, "人次", "trainees:other", None, "對象為國防工業廠商以外之場次"),
    ("軍品釋商", "參訪國內承接工業合作廠商", 1, "場", "events:參訪", None, None),
    ("軍品釋商", "預核與實核國防工業合作個案額度", 60_000_000, "美元點", "credits_pre_final_defense_usd", None, None),
)

# case type, defense class (None: any), min, max, cap, effective from, effective to — illustrative
MULTIPLIER_RULES = (
    ("技術移轉", None, "1", "3", "5", date(1993, 1, 1), date(2003, 12, 31)),
    ("國內投資", None, "1", "3", "5", date(2004, 1, 1), None),
    ("技術移轉", None, "1", "4", "5", date(2004, 1, 1), None),
    ("技術移轉", "直接國防工合", "1", "5", "6", date(2004, 1, 1), None),
    ("採購國內產品", None, "1", "1", "1", date(2004, 1, 1), None),
    ("研究發展", None, "1", "3", "5", date(2004, 1, 1), None),
    ("人員訓練", None, "1", "3", "5", date(2004, 1, 1), None),
    ("國際行銷及貿易推廣協助", None, "1", "2", "3", date(2004, 1, 1), None),
    ("國際認證", None, "1", "2", "3", date(2004, 1, 1), None),
    ("聯合承攬", None, "1", "1", "1", date(2004, 1, 1), None),
)

# rate %, defense reduction %, effective from, effective to, note (the rate itself is illustrative)
FEE_RULES = (
    ("1", "0", date(2004, 1, 1), date(2011, 7, 3), "工業合作回饋金繳納作業要點"),
    ("1", "50", date(2011, 7, 4), None,
     "100年7月4日第1次工業合作政策指導會議修訂第五點「降低或免除回饋金」，國防產業減半繳納"),
)
FEE_EXCHANGE_RATE = D("29.5")  # NTD per USD used to turn a finally approved USD value into a fee (illustrative)

# case, firm, value share of the case (%), paid, paid on, notarised
FEEDBACK_FEES = (
    ("gearbox", "formosa_heavy", 100, "all", date(2011, 5, 20), True),
    ("mrj", "aidc", 100, "all", date(2011, 8, 30), True),
    ("b737_doors", "aidc", 100, 10_000_000, date(2011, 10, 15), True),
    ("satcom", "getac", 100, "all", date(2011, 11, 10), True),
    ("s70_parts", "aidc", 50, 0, None, True),
    ("s70_parts", "aac", 50, 0, None, False),
)

# case, firm, signed on, transfer completed on
EXPORT_PLEDGES = (
    ("mrj", "aidc", date(2009, 11, 30), date(2011, 3, 31)),
    ("gearbox", "formosa_heavy", date(2010, 3, 1), date(2011, 2, 28)),
    ("bogie", "trsc", date(2010, 5, 20), date(2011, 10, 31)),
    ("wind_om", "formosa_heavy", date(2011, 1, 10), None),
    ("nc_dynamics", "aidc", date(2011, 7, 15), None),
    ("nc_dynamics", "hwachin", date(2011, 7, 15), None),
    ("fsw", "mirdc", date(2011, 10, 20), None),
    ("fsw", "mingxie", date(2011, 10, 20), None),
)

# case, year, quarter, received on (None: not received), checkpoint reached
PROGRESS_REPORTS = (
    ("fastener", 2011, 1, date(2011, 4, 20), True),
    ("fastener", 2011, 2, date(2011, 7, 18), True),
    ("fastener", 2011, 3, date(2011, 10, 25), False),
    ("p3c_structure", 2011, 1, date(2011, 4, 28), True),
    ("p3c_structure", 2011, 2, date(2011, 7, 29), True),
    ("p3c_structure", 2011, 3, None, False),
    ("avionics_parts", 2011, 1, date(2011, 4, 15), True),
    ("avionics_parts", 2011, 2, date(2011, 7, 14), True),
    ("avionics_parts", 2011, 3, date(2011, 10, 17), True),
    ("wind_om", 2011, 2, date(2011, 7, 15), True),
    ("wind_om", 2011, 3, date(2011, 10, 14), True),
    ("p3c_avionics", 2011, 2, date(2011, 7, 20), True),
    ("p3c_avionics", 2011, 3, date(2011, 10, 28), False),
    ("easa", 2011, 3, date(2011, 10, 20), True),
)

# item, contracted, reported, returned, retained (千元) — 經費運用情形
BUDGET_LINES = (("委辦費", "34310", "34160.496", "149.504", "0"),)

DEFENSE_TARGETS = ((2011, 34, False, "100年倍增國防工合執行比率至34%"), (2015, 50, False, "104年國防工合額度占有率50%"),
                   (2016, 60, True, "長期目標60%"))

OVERSEAS_TRIPS = (
    ("調查美國廠商技術能量",
     "參訪與瞭解美國工業合作廠商能量，並直接與外商主管研商工業合作發展，現存窒礙與因應措施，尋求最佳之工業合作計畫、爭取商機。",
     date(2011, 7, 15), "1年", "工業局圖書室"),
)


# --- builders ------------------------------------------------------------------------------------

class _Loader:
    """Adds records to the session and counts them; keeps the keyed ones for later tables."""

    def __init__(self, session):
        self.session = session
        self.created = 0
        self.agency: dict[str, Agency] = {}
        self.contractor: dict[str, Contractor] = {}
        self.firm: dict[str, DomesticFirm] = {}
        self.expert: list[Expert] = []
        self.procurement: dict[str, Procurement] = {}
        self.agreement: dict[str, Agreement] = {}
        self.meeting: dict[str, Meeting] = {}
        self.case: dict[str, IcpCase] = {}
        self.assessment: dict[str, CapabilityAssessment] = {}

    def add(self, record):
        self.session.add(record)
        self.created += 1
        return record

    def existing_or_add(self, model, where: dict, **values):
        """Reuse an organisation someone already entered under the same natural key."""
        found = self.session.scalar(select(model).filter_by(**where))
        return found if found is not None else self.add(model(**where, **values))


def ubn_generate(index: int) -> str:
    """A checksum-valid 統一編號, the same for the same index (not a real firm's number)."""
    number = 20_000_000 + index * 1_234_567
    while not ubn_is_valid(f"{number:08d}"):
        number += 1
    return f"{number:08d}"


def value_of(credit: int, multiplier: str) -> Decimal:
    """The actual value whose credit at `multiplier` is exactly `credit`."""
    value = (D(credit) / D(multiplier)).quantize(D("0.01"))
    assert value * D(multiplier) == credit, f"{credit} is not a whole-cent multiple of {multiplier}"
    return value


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def organisations_build(load: _Loader) -> None:
    for name, parent in AGENCIES:
        load.agency[name] = load.existing_or_add(Agency, {"name": name}, parent=parent)
    for key, name_zh, name_en, country, parent, notes in CONTRACTORS:
        load.contractor[key] = load.existing_or_add(Contractor, {"name_zh": name_zh}, name_en=name_en, country=country,
                                                    parent_group=parent, capability_notes=notes)
    for index, (key, name, sector, defense, category, added_on, notes) in enumerate(FIRMS):
        load.firm[key] = load.existing_or_add(
            DomesticFirm, {"name": name}, ubn=ubn_generate(index), sector=sector, is_defense_supplier=defense,
            in_capability_db=category is not None, capability_category=category, capability_db_added_on=added_on,
            capability_notes=notes)
    for name, affiliation, field, kind in EXPERTS:
        load.expert.append(load.existing_or_add(Expert, {"name": name, "affiliation": affiliation}, field=field,
                                                kind=kind))


def agreements_build(load: _Loader) -> None:
    for key, title, agency, year, currency, notes in PROCUREMENTS:
        load.procurement[key] = load.add(Procurement(title=title, agency=load.agency[agency], year=year,
                                                     currency=currency, icp_spec_notes=notes))
    for key, number, procurement, contractor, signed, obligation, currency, years, status in AGREEMENTS:
        deadline = years_after(signed, years)
        extended = years_after(deadline, 7) if status == "展延" else None
        load.agreement[key] = load.add(Agreement(
            number=number, procurement=load.procurement[procurement], contractor=load.contractor[contractor],
            signed_on=signed, obligation=D(obligation), obligation_currency=currency, deadline=deadline,
            extended_deadline=extended, extension_note="履約期限展延" if extended else None, status=status,
            note=SIGNED_2011_NOTE if signed.year == 2011 else ILLUSTRATIVE))


def meetings_build(load: _Loader) -> None:
    for key, held_on, sequence, title, minutes_on, updated_on in STEERING_MEETINGS:
        load.meeting[key] = load.add(Meeting(kind=STEERING, sequence=sequence, held_on=held_on, title=title,
                                             chair="經濟部工業局局長", minutes_approved_on=minutes_on,
                                             db_updated_on=updated_on,
                                             note=None if held_on.year == 2011 else ILLUSTRATIVE))
    for kind, held_on, sequence, title, chair, note in OTHER_MEETINGS:
        load.add(Meeting(kind=kind, sequence=sequence, held_on=held_on, title=title, chair=chair, note=note))
    negotiations = list(NEGOTIATIONS) + [
        (held_on, f"與{load.contractor[key].name_zh}洽談工業合作計畫執行事宜", key, ILLUSTRATIVE)
        for held_on, key in zip(NEGOTIATION_FILLER_DATES, NEGOTIATION_FILLER_CONTRACTORS)]
    assert len(negotiations) == NEGOTIATION_TOTAL
    for sequence, (held_on, title, _contractor, note) in enumerate(sorted(negotiations), start=1):
        load.add(Meeting(kind=NEGOTIATION, sequence=sequence, held_on=held_on, title=title, note=note))
    for sequence, (held_on, item) in enumerate(ASSESSMENT_PRE_MEETINGS, start=1):
        load.add(Meeting(kind=ASSESSMENT_PRE, sequence=sequence, held_on=held_on,
                         title=f"國內產業自製能量評估委員先期研討會－{item}", note=ILLUSTRATIVE))


def cases_build(load: _Loader) -> None:
    for (key, number, title, agreement, case_type, field, defense_class, currency, credit, multiplier, submitted,
         firms, note) in CASES:
        technologies, output, benefit, investment = CASE_BENEFITS.get(key, (0, None, None, None))
        start = submitted + timedelta(days=90)
        is_transfer = case_type == "技術移轉"
        load.case[key] = load.add(IcpCase(
            number=number, title=title, agreement=load.agreement[agreement], case_type=case_type, field=field,
            defense_class=defense_class, actual_value=value_of(credit, multiplier), currency=currency,
            multiplier=D(multiplier), submitted_on=submitted, planned_start=start,
            planned_end=years_after(start, 3) - timedelta(days=1), technologies=technologies,
            estimated_output_usd=None if output is None else D(output),
            derived_benefit_ntd=None if benefit is None else D(benefit),
            induced_investment_ntd=None if investment is None else D(investment),
            firms=[load.firm[f] for f in firms], note=note, **checklist_of(key, is_transfer)))


def checklist_of(key: str, is_transfer: bool) -> dict:
    """The pre-approval checklist: all met, except where the case was refused or returned for it."""
    checks = {"check_forms_complete": True, "check_fee_pledge": True, "check_export_pledge": is_transfer,
              "check_no_bad_record": True, "check_matches_plan": True, "check_within_credit": True,
              "check_briefing_held": True, "check_open_selection": True}
    if not is_transfer:
        checks["check_export_pledge_note"] = "非技術移轉案，不適用"
    if key == "backlight":
        checks.update(check_matches_plan=False, check_matches_plan_note="非屬工合計畫書表列項目")
    elif key in ("solar", "yacht"):
        checks.update(check_open_selection=False, check_open_selection_note="未公開遴選國內廠商")
    elif key in ("carbody", "tilt_electronics"):
        checks.update(check_briefing_held=False, check_briefing_held_note="購案合約簽署後之公開說明會尚未辦理")
    elif key == "lm_maintenance_centre":
        checks.update(check_forms_complete=False, check_forms_note="計畫書補件中", check_fee_pledge=False)
    return checks


def decisions_build(load: _Loader) -> None:
    for meeting_key, kind, case_keys, note in DECISIONS:
        meeting = load.meeting[meeting_key]
        for key in case_keys:
            case = load.case[key]
            granted = kind in ("預核通過", "實核通過")
            load.add(CaseDecision(
                case=case, meeting=meeting, kind=kind, currency=case.currency, note=note,
                approved_value=case.actual_value if granted else None,
                multiplier=case.multiplier if granted else None))


def reviews_build(load: _Loader) -> None:
    pool = load.expert
    for index, (held_on, title, reviews, dated_in_report) in enumerate(SUBCOMMITTEES):
        size = 5 + index % 3
        panel = [pool[(index * 4 + offset) % len(pool)] for offset in range(size)]
        meeting = load.add(Meeting(kind=SUBCOMMITTEE, sequence=index + 1, held_on=held_on, title=title, panel=panel,
                                   note=None if dated_in_report else ILLUSTRATIVE))
        for key, result in reviews:
            load.add(CaseReview(meeting=meeting, case=load.case[key], result=result))


def ledger_extras_build(load: _Loader) -> None:
    for source, amount, currency, banked_on, valid_until, used_by, used_on, note in BANKED_CREDITS:
        load.add(BankedCredit(source_case=load.case[source], amount=D(amount), currency=currency, banked_on=banked_on,
                              valid_until=valid_until, used_by_case=load.case[used_by] if used_by else None,
                              used_on=used_on, note=note))
    for case_type, defense_class, low, high, cap, effective_from, effective_to in MULTIPLIER_RULES:
        load.add(MultiplierRule(case_type=case_type, defense_class=defense_class, min_multiplier=D(low),
                                max_multiplier=D(high), cap=D(cap), effective_from=effective_from,
                                effective_to=effective_to, note=ILLUSTRATIVE))
    for rate, reduction, effective_from, effective_to, note in FEE_RULES:
        load.add(FeeRule(rate_pct=D(rate), defense_reduction_pct=D(reduction), effective_from=effective_from,
                         effective_to=effective_to, note=note))
    for case_key, firm_key, share, paid, paid_on, notarised in FEEDBACK_FEES:
        case, firm = load.case[case_key], load.firm[firm_key]
        due = fee_due(case=case, firm=firm, share_pct=share)
        load.add(FeedbackFee(case=case, firm=firm, amount_due=due, amount_paid=due if paid == "all" else D(paid),
                             paid_on=paid_on, pledge_notarised=notarised,
                             note=f"實核價值 × {share}% × 匯率 {FEE_EXCHANGE_RATE} × 費率（示範）"))
    for case_key, firm_key, signed_on, completed_on in EXPORT_PLEDGES:
        load.add(ExportControlPledge(case=load.case[case_key], firm=load.firm[firm_key], signed_on=signed_on,
                                     transfer_completed_on=completed_on))
    for case_key, year, quarter, received_on, reached in PROGRESS_REPORTS:
        load.add(ProgressReport(case=load.case[case_key], year=year, quarter=quarter, received_on=received_on,
                                checkpoint_reached=reached, note=None if received_on else "逾期未送"))


def fee_due(*, case: IcpCase, firm: DomesticFirm, share_pct: int) -> Decimal:
    """Fee on the finally approved value at the rule in force that day; defense firms pay half from 2011-07-04."""
    approved_on = max(d.meeting.held_on for d in case.decisions if d.kind == "實核通過")
    rate, reduction, effective_from, effective_to, _note = next(
        rule for rule in FEE_RULES if rule[2] <= approved_on and (rule[3] is None or approved_on <= rule[3]))
    amount = case.actual_value * D(share_pct) / 100 * FEE_EXCHANGE_RATE * D(rate) / 100
    if firm.is_defense_supplier:
        amount = amount * (100 - D(reduction)) / 100
    return amount.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def activities_build(load: _Loader) -> None:
    for (key, requested_on, completed_on, item, project, firms, outcome, case_key, follow_up) in ASSESSMENTS:
        load.assessment[key] = load.add(CapabilityAssessment(
            requesting_unit="國防部軍備局", item=item, military_project=project, requested_on=requested_on,
            completed_on=completed_on, report_number=f"ICP-EVAL-100-{len(load.assessment) + 1:02d}",
            outcome=outcome, follow_up=follow_up, follow_up_case=load.case[case_key] if case_key else None,
            firms=[load.firm[f] for f in firms]))
    for firm_key, visited_on, assessment, purpose in FACTORY_VISITS:
        load.add(FactoryVisit(firm=load.firm[firm_key], visited_on=visited_on, assessment=load.assessment[assessment],
                              visitors="工業合作計畫辦公室、國防部軍備局評估委員", purpose=purpose,
                              findings="訪視日期為示意"))
    for starts_on, title, audience, location, trainees, hours in TRAININGS:
        load.add(TrainingSession(starts_on=starts_on, ends_on=starts_on, title=title, audience=audience,
                                 location=location, organiser="工業合作計畫辦公室", trainees=trainees, hours=hours))
    for kind, starts_on, ends_on, title, contractor, location, attendees, firms, note in EVENTS:
        load.add(Event(kind=kind, starts_on=starts_on, ends_on=ends_on, title=title,
                       contractor=load.contractor[contractor] if contractor else None, location=location,
                       attendees=attendees, firms=[load.firm[f] for f in firms], note=note))
    for kind, published_on, title, copies, recipients in PUBLICATIONS:
        load.add(Publication(kind=kind, published_on=published_on, title=title, copies=copies, recipients=recipients))


def demand_items_build(load: _Loader) -> None:
    """Each quarter's items with scores that put them in the report's tiers; held items come back next quarter."""
    topic = 0
    carried: list[tuple] = []
    first_reviews = {m.held_on: m for m in load.session.scalars(select(Meeting).where(Meeting.kind == DEMAND_REVIEW))}
    for quarter, reviewed_on, steering_key, (priority, general, held, out), carry in DEMAND_QUARTERS:
        outcomes = ["優先"] * priority + ["一般"] * general + ["保留"] * held + ["不納入"] * out
        sources = carried[:carry] + [None] * (len(outcomes) - carry)
        carried = []
        for index, (outcome, source) in enumerate(zip(outcomes, sources)):
            if source is None:
                source = DEMAND_TOPICS[topic % len(DEMAND_TOPICS)]
                topic += 1
            title, industry, unit = source
            score = {"優先": 80 + (index * 3) % 15, "一般": 60 + (index * 7) % 20, "保留": 65 + index % 10,
                     "不納入": 30 + (index * 11) % 30}[outcome]
            passed = outcome in ("優先", "一般")
            load.add(DemandItem(
                year=2011, quarter=quarter, proposing_unit=unit, title=title, industry=industry,
                need="國防需求" if industry == "國防" else "產業需求", score=D(score),
                first_review_meeting=first_reviews[reviewed_on],
                second_review_meeting=load.meeting[steering_key] if passed else None,
                second_review_passed=True if passed else None, published=passed,
                status={"優先": "複審通過", "一般": "複審通過", "保留": "保留", "不納入": "不納入"}[outcome],
                note="上季保留項目" if index < carry else None))
            if outcome == "保留":
                carried.append(source)


def programme_build(load: _Loader) -> None:
    for category, rank, firm, person, citation in AWARDS:
        load.add(Award(round_year=2011, category=category, rank=rank, firm=load.firm[firm] if firm else None,
                       person=person, prize_ntd=D(AWARD_PRIZES[(category, rank)]), ceremony_on=AWARD_CEREMONY,
                       citation=citation))
    for work_item, kpi, target, unit, source, manual, note in ANNUAL_TARGETS:
        load.add(AnnualTarget(year=2011, work_item=work_item, kpi=kpi, target_value=D(target), unit=unit,
                              actual_source=source, manual_actual=None if manual is None else D(manual), note=note))
    for item, contracted, reported, returned, retained in BUDGET_LINES:
        load.add(BudgetLine(year=2011, item=item, contracted=D(contracted), reported=D(reported), returned=D(returned),
                            retained=D(retained)))
    for plan_name, topic, obtained_on, retention, place in OVERSEAS_TRIPS:
        load.add(OverseasTrip(plan_name=plan_name, topic=topic, obtained_on=obtained_on, retention_period=retention,
                              storage_place=place))
    # 差異分析: the report's table reads 無 for 2011; one earlier, illustrative change fills the screen.
    load.add(PlanChange(year=2010, work_item="訪廠評估", difference="訪廠評估由 10 廠次調整為 8 廠次",
                        reason="配合國防部軍備局評估案件期程", effect="無規格、功能及效益之減損",
                        approval_document="示範資料"))


def defense_targets_build(load: _Loader) -> None:
    """The policy targets (migration 0003 seeds them too; a database built without migrations lacks them)."""
    if load.session.scalar(select(func.count()).select_from(DefenseTarget)):
        return
    for year, pct, long_term, note in DEFENSE_TARGETS:
        load.add(DefenseTarget(year=year, target_pct=D(pct), long_term=long_term, note=note))


def attachments_build(load: _Loader) -> None:
    """The minutes of the first 2011 steering meeting, as a small text file, so the screen shows a file."""
    meeting = load.meeting["S100-1"]
    load.session.flush()  # the meeting's id names the record the file belongs to
    text = f"{meeting.title}\n會議紀錄（示範資料）\n日期：{meeting.held_on.isoformat()}\n".encode()
    attachment = Attachment(record_type="meeting", record_id=meeting.id, note=ILLUSTRATIVE)
    load.add(attachment_store(attachment, data=text, filename=f"{meeting.title}會議紀錄.txt",
                              content_type="text/plain"))


def demo_load() -> int:
    """Fill the database with the 2011 office; returns records created, 0 when agreements already exist.

    Everything is one transaction: on any error nothing is written.
    """
    session = db.session
    if session.scalar(select(func.count()).select_from(Agreement)):
        return 0
    load = _Loader(session)
    try:
        organisations_build(load)
        agreements_build(load)
        meetings_build(load)
        cases_build(load)
        decisions_build(load)
        reviews_build(load)
        ledger_extras_build(load)
        activities_build(load)
        demand_items_build(load)
        programme_build(load)
        attachments_build(load)
        defense_targets_build(load)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return load.created
