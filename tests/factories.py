"""Records for tests: a small linked office, and one valid form per admin screen."""
from datetime import date
from decimal import Decimal

from icp.credits import CHECKLIST
from icp.extensions import db
from models import (Agency, Agreement, CaseDecision, Contractor, DomesticFirm, Expert, IcpCase, Meeting,
                    Procurement)

VALID_UBNS = ("04595257", "22099131", "12345675", "53212539")


def office_make() -> dict:
    """A contractor, firms, an agreement with a case, and the meetings decisions and reviews need."""
    agency = Agency(name="國防部")
    contractor = Contractor(name_zh="雷神公司", name_en="Raytheon", country="US")
    firms = [DomesticFirm(name="漢翔航空工業", ubn=VALID_UBNS[0]), DomesticFirm(name="中山科學研究院", ubn=VALID_UBNS[1])]
    procurement = Procurement(title="愛國者飛彈系統", agency=agency, year=2011, contract_value=Decimal("1000000"))
    agreement = Agreement(number="ICA-100-001", procurement=procurement, contractor=contractor,
                          signed_on=date(2011, 3, 1), obligation=Decimal("60000000"))
    case = IcpCase(number="C-100-001", title="雷達模組技術移轉", agreement=agreement, case_type="技術移轉", field="國防",
                   defense_class="間接國防工合", actual_value=Decimal("1000000"), multiplier=Decimal("2"), firms=firms,
                   **{item: True for item in CHECKLIST})
    experts = [Expert(name=f"委員{i}", affiliation="工研院", kind="產業") for i in range(1, 7)]
    steering = Meeting(kind="工業合作推動小組會議", sequence=1, held_on=date(2011, 3, 17), title="100年第1次推動小組會議")
    subcommittee = Meeting(kind="產業分組委員會議", sequence=1, held_on=date(2011, 3, 1), title="航太產業分組委員會議",
                           panel=experts[:5])
    policy = Meeting(kind="工業合作政策指導會議", sequence=1, held_on=date(2011, 4, 1), title="政策指導會議")
    db.session.add_all([agency, contractor, *firms, procurement, agreement, case, *experts, steering, subcommittee,
                        policy])
    db.session.commit()
    return {"agency": agency, "contractor": contractor, "firms": firms, "procurement": procurement,
            "agreement": agreement, "case": case, "experts": experts, "steering": steering,
            "subcommittee": subcommittee, "policy": policy}


def decision_make(office: dict, **overrides) -> CaseDecision:
    values = {"case": office["case"], "meeting": office["steering"], "kind": "預核通過",
              "approved_value": Decimal("1000000"), "multiplier": Decimal("2"), **overrides}
    decision = CaseDecision(**values)
    db.session.add(decision)
    db.session.commit()
    return decision


# endpoint → (form builder, field to edit, new value, attribute to read back)
def screen_forms(o: dict) -> dict:
    firm_ids = ",".join(str(f.id) for f in o["firms"])
    return {
        "contractor": ({"name_zh": "洛克希德馬丁", "name_en": "Lockheed Martin", "country": "US"},
                       "contact_person", "王小明"),
        "firm": ({"name": "台灣國際造船", "ubn": VALID_UBNS[2], "employees": "1200", "paid_in_capital": "7000000000"},
                 "sector", "船舶"),
        "agency": ({"name": "交通部"}, "parent", "行政院"),
        "expert": ({"name": "陳委員", "affiliation": "清華大學", "kind": "學界"}, "field", "材料"),
        "procurement": ({"title": "傾斜式電聯車136輛", "agency": str(o["agency"].id), "year": "2011",
                         "contract_value": "500000000", "currency": "NTD"}, "icp_spec_notes", "工合規範 40%"),
        "agreement": ({"number": "ICA-100-009", "contractor": str(o["contractor"].id), "signed_on": "2011-05-01",
                       "obligation": "12345678.90", "obligation_currency": "USD", "deadline": "2016-05-01",
                       "status": "已簽署"}, "status", "執行中"),
        "case": ({"number": "C-100-002", "title": "複材維修訓練", "agreement": str(o["agreement"].id), "firms": firm_ids,
                  "case_type": "人員訓練", "field": "航太", "defense_class": "產業工合", "actual_value": "300000",
                  "currency": "USD", "multiplier": "1.5", "technologies": "1"}, "title", "複材維修人員訓練"),
        "decision": ({"meeting": str(o["steering"].id), "case": str(o["case"].id), "kind": "預核通過",
                      "approved_value": "1000000", "multiplier": "2", "currency": "USD"}, "conditions", "按季提報進度"),
        "progress": ({"case": str(o["case"].id), "year": "2011", "quarter": "2", "received_on": "2011-07-10",
                      "checkpoint_reached": "y"}, "note", "如期"),
        "fee": ({"case": str(o["case"].id), "firm": str(o["firms"][0].id), "amount_due": "150000",
                 "amount_paid": "0"}, "amount_paid", "150000"),
        "pledge": ({"case": str(o["case"].id), "firm": str(o["firms"][0].id), "signed_on": "2011-02-01",
                    "transfer_completed_on": "2011-12-01"}, "note", "已簽署"),
        "banked": ({"source_case": str(o["case"].id), "amount": "50000", "currency": "USD",
                    "banked_on": "2011-06-02", "valid_until": "2016-06-02"}, "note", "100年第2次會議留存"),
        "multiplier_rule": ({"case_type": "技術移轉", "min_multiplier": "1", "max_multiplier": "6",
                             "effective_from": "2008-01-01"}, "note", "技術移轉乘數"),
        "defense_target": ({"year": "2020", "target_pct": "55", "long_term": "y"}, "note", "中期目標"),
        "fee_rule": ({"rate_pct": "1", "defense_reduction_pct": "50", "effective_from": "2011-07-04"},
                     "note", "國防產業減半"),
        "meeting": ({"kind": "協商談判會議", "sequence": "3", "held_on": "2011-05-05", "title": "洛馬協商會議"},
                    "chair", "組長"),
        "review": ({"meeting": str(o["subcommittee"].id), "case": str(o["case"].id), "result": "通過審查"},
                   "note", "建議預核"),
        "demand": ({"year": "2011", "quarter": "1", "proposing_unit": "台灣區航太工業同業公會", "title": "複材修補技術",
                    "industry": "航太", "need": "產業需求", "score": "85", "status": "初審中"}, "status", "複審通過"),
        "event": ({"kind": "招商說明會/技術移轉說明會", "starts_on": "2011-03-29", "ends_on": "2011-03-29",
                   "title": "雷神公司招商說明會", "contractor": str(o["contractor"].id), "attendees": "80"},
                  "location", "台北"),
        "training": ({"starts_on": "2011-08-10", "ends_on": "2011-08-11", "title": "工業合作實務講習",
                      "audience": "國防工業廠商", "trainees": "45", "hours": "6"}, "location", "台中"),
        "publication": ({"kind": "電子報", "published_on": "2011-06-30", "title": "工合電子報第1期", "copies": "0"},
                        "recipients", "會員廠商"),
        "trip": ({"plan_name": "工業合作推動計畫", "topic": "赴美技術能量調查", "obtained_on": "2011-10-20",
                  "retention_period": "10年"}, "storage_place", "工合辦公室"),
        "assessment": ({"requesting_unit": "國防部軍備局", "item": "無人機酬載", "requested_on": "2011-02-01",
                        "completed_on": "2011-04-01", "report_number": "R-100-01", "outcome": "已具能量",
                        "firms": firm_ids}, "follow_up", "建議列入需求項目"),
        "visit": ({"firm": str(o["firms"][0].id), "visited_on": "2011-05-12", "purpose": "能量評估訪廠"},
                  "findings", "具備複材製程"),
        "award": ({"round_year": "2011", "category": "團體獎", "rank": "1", "firm": str(o["firms"][0].id),
                   "prize_ntd": "50000", "ceremony_on": "2011-07-20"}, "citation", "工合執行績優"),
        "target": ({"year": "2011", "work_item": "個案審核", "kpi": "推動小組會議", "target_value": "4", "unit": "次",
                    "actual_source": "meetings:工業合作推動小組會議"},
                   "note", "每季一次"),
        "budget": ({"year": "2011", "item": "委辦費", "contracted": "25000", "reported": "24800", "returned": "200",
                    "retained": "0"}, "note", "依合約"),
        "plan_change": ({"year": "2011", "work_item": "訪廠評估", "difference": "無"}, "reason", "依計畫執行"),
    }
