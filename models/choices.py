"""The office's closed vocabularies (domain.md §2), stored as the Chinese terms the office uses."""

CURRENCIES = ("USD", "NTD")
CONTRACT_CURRENCIES = ("USD", "NTD", "EUR", "JPY", "GBP")
AGREEMENT_STATUSES = ("洽談中", "已簽署", "執行中", "展延", "完成", "違約", "終止")
CASE_TYPES = ("國內投資", "技術移轉", "採購國內產品", "研究發展", "人員訓練", "國際行銷及貿易推廣協助",
              "國際認證", "聯合承攬")
APPLICATION_FIELDS = ("國防", "航太", "軌道運輸", "能源", "3C/資通電", "生技醫藥", "綠能環保", "民生化工", "其他")
DEFENSE_CLASSES = ("直接國防工合", "間接國防工合", "產業工合")
DECISION_KINDS = ("預核通過", "預核駁回", "再協商", "實核通過", "備查", "結案", "展延", "撤案", "額度留存")
CASE_STATUS_NEW = "申請中"
CASE_STATUSES = (CASE_STATUS_NEW,) + DECISION_KINDS
MEETING_KINDS = ("工業合作政策指導會議", "工業合作推動小組會議", "產業分組委員會議", "需求項目審查會議",
                 "軍公民營工業配合發展會報", "協商談判會議", "評估委員先期研討會", "其他")
STEERING_MEETING = "工業合作推動小組會議"
SUBCOMMITTEE_MEETING = "產業分組委員會議"
REVIEW_RESULTS = ("通過審查", "賡續送委員會審議", "須再補充資料", "退件")
EXPERT_KINDS = ("產業", "國防", "學界")
CAPABILITY_CATEGORIES = ("航空", "船舶", "車輛", "電子", "通信", "其他")
ASSESSMENT_OUTCOMES = ("已具能量", "不具能量", "透過工業合作可建立能量")
TRAINING_AUDIENCES = ("國軍幹部", "國防工業廠商", "政府採購單位", "工作人員", "其他")
EVENT_KINDS = ("宣導說明會", "招商說明會/技術移轉說明會", "研討會/座談會", "表揚大會", "參訪", "技術能量調查")
PUBLICATION_KINDS = ("電子報", "中文簡介", "英文簡介", "成果彙編", "網站公告/更新")
AWARD_CATEGORIES = ("團體獎", "個人獎")
NEED_KINDS = ("國防需求", "產業需求")
DEMAND_TIERS = ("優先項目", "一般項目", "不納入")
DEMAND_STATUSES = ("初審中", "保留", "複審通過", "複審未通過", "不納入")
BUDGET_ITEMS = ("委辦費", "補助款", "代管補助款", "自籌款", "補助計畫自籌款")
ROLES = ("admin", "editor", "viewer")
