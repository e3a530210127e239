"""Item catalogue (医保目录) and diagnoses (ICD-10) of the medical insurance sample.

Part of :mod:`kit.datasets.generators.medical_insurance`. Item codes imitate the shape of the
national codes (9-digit medical service items, ``X...`` drug codes, ``C...`` consumables) but are
not the real codes. Prices are reference prices at tertiary hospitals in yuan (secondary hospitals
charge 90 %, level-1 hospitals and clinics 80 %). Sex and age limits follow the kind of rules the
national "rule and knowledge libraries" (规则库、知识库) hold: obstetric and gynaecological items
for women only, prostate items for men only, newborn items for infants under one year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: (code, English name, Chinese name, category, sex limit, min age, max age, reference price).
ITEMS: tuple[tuple[str, str, str, str, str, int, int, float], ...] = (
    # bed and nursing
    ("110900001", "General ward bed (per day)", "普通病房床位费", "bed", "", 0, 120, 60.0),
    ("110900003", "Intensive care bed (per day)", "监护病房床位费", "bed", "", 0, 120, 150.0),
    ("120100003", "Grade I nursing (per day)", "Ⅰ级护理", "nursing", "", 0, 120, 36.0),
    ("120100004", "Grade II nursing (per day)", "Ⅱ级护理", "nursing", "", 0, 120, 24.0),
    ("120100005", "Grade III nursing (per day)", "Ⅲ级护理", "nursing", "", 0, 120, 14.0),
    ("120100011", "Newborn care (per day)", "新生儿护理", "nursing", "", 0, 0, 30.0),
    # tests
    ("250101015", "Complete blood count", "血细胞分析（血常规）", "test", "", 0, 120, 20.0),
    ("250102035", "Urinalysis", "尿液分析（尿常规）", "test", "", 0, 120, 10.0),
    ("250305001", "Liver function panel", "肝功能检查", "test", "", 0, 120, 60.0),
    ("250307001", "Renal function panel", "肾功能检查", "test", "", 0, 120, 40.0),
    ("250302001", "Blood glucose", "血糖测定", "test", "", 0, 120, 8.0),
    ("250303001", "Blood lipids", "血脂四项", "test", "", 0, 120, 40.0),
    ("250203001", "Coagulation panel", "凝血功能检查", "test", "", 0, 120, 70.0),
    ("250403001", "C-reactive protein", "C反应蛋白测定", "test", "", 0, 120, 25.0),
    ("250404001", "Tumour markers", "肿瘤标志物检测", "test", "", 0, 120, 180.0),
    ("250403025", "Prostate-specific antigen (PSA)", "前列腺特异性抗原测定", "test", "M", 0, 120, 45.0),
    ("270300001", "Cervical liquid-based cytology (TCT)", "宫颈液基细胞学检查", "test", "F", 0, 120, 150.0),
    ("310701001", "Electrocardiogram", "常规心电图检查", "test", "", 0, 120, 25.0),
    ("210300001", "Chest CT", "胸部CT平扫", "test", "", 0, 120, 260.0),
    ("210300002", "Head CT", "头颅CT平扫", "test", "", 0, 120, 220.0),
    ("210400001", "Head MRI", "头颅磁共振平扫", "test", "", 0, 120, 550.0),
    ("220201001", "Abdominal ultrasound", "腹部彩色多普勒超声", "test", "", 0, 120, 120.0),
    ("220302001", "Echocardiogram", "心脏彩色多普勒超声", "test", "", 0, 120, 200.0),
    ("220600001", "Breast ultrasound", "乳腺彩色多普勒超声", "test", "", 0, 120, 100.0),
    ("220700001", "Gynaecological ultrasound", "妇科彩色多普勒超声（子宫附件）", "test", "F", 0, 120, 110.0),
    ("220800001", "Prostate ultrasound", "前列腺彩色多普勒超声", "test", "M", 0, 120, 90.0),
    ("311100001", "Obstetric examination", "产前检查", "test", "F", 12, 55, 40.0),
    ("230500001", "Bone densitometry", "骨密度测定", "test", "", 18, 120, 120.0),
    ("250501001", "Blood gas analysis", "血气分析", "test", "", 0, 120, 60.0),
    ("120400012", "Newborn hearing screening", "新生儿听力筛查", "test", "", 0, 0, 60.0),
    # treatment
    ("110200001", "Consultation fee", "诊查费", "treatment", "", 0, 120, 15.0),
    ("120400006", "Intravenous infusion", "静脉输液", "treatment", "", 0, 120, 12.0),
    ("120400001", "Intramuscular injection", "肌肉注射", "treatment", "", 0, 120, 5.0),
    ("121400001", "Oxygen therapy (per hour)", "氧气吸入", "treatment", "", 0, 120, 5.0),
    ("121500001", "Nebulised inhalation", "雾化吸入", "treatment", "", 0, 120, 15.0),
    ("340200001", "Medium-frequency electrotherapy", "中频脉冲电治疗", "treatment", "", 0, 120, 25.0),
    ("440000001", "Acupuncture", "普通针刺", "treatment", "", 0, 120, 30.0),
    ("340100001", "Rehabilitation exercise", "运动疗法", "treatment", "", 0, 120, 40.0),
    ("311300001", "Haemodialysis", "血液透析", "treatment", "", 0, 120, 420.0),
    ("311201001", "Gynaecological examination", "妇科检查", "treatment", "F", 0, 120, 20.0),
    ("310800001", "Chemotherapy infusion", "肿瘤化学治疗静脉注射", "treatment", "", 0, 120, 120.0),
    # surgery
    ("331003001", "Laparoscopic cholecystectomy", "腹腔镜胆囊切除术", "surgery", "", 0, 120, 2200.0),
    ("331003002", "Appendicectomy", "阑尾切除术", "surgery", "", 0, 120, 1300.0),
    ("331101001", "Transurethral resection of the prostate", "经尿道前列腺电切术", "surgery", "M", 0, 120, 2600.0),
    ("331506001", "Caesarean section", "剖宫产术", "surgery", "F", 12, 55, 1800.0),
    ("331507001", "Vaginal delivery", "单胎顺产接生", "surgery", "F", 12, 55, 900.0),
    ("331403001", "Myomectomy", "子宫肌瘤剔除术", "surgery", "F", 12, 120, 2000.0),
    ("331501002", "Hemiarthroplasty of the hip", "人工股骨头置换术", "surgery", "", 0, 120, 3500.0),
    ("331502003", "Open reduction and internal fixation of the tibia", "胫骨骨折切开复位内固定术", "surgery", "", 0, 120, 2800.0),
    ("330604001", "Phacoemulsification with lens implant", "白内障超声乳化摘除术+人工晶体植入术", "surgery", "", 0, 120, 1800.0),
    # materials
    ("C0101000001", "Disposable infusion set", "一次性使用输液器", "material", "", 0, 120, 6.0),
    ("C0201000002", "Laparoscopic consumables", "腹腔镜手术耗材", "material", "", 0, 120, 3200.0),
    ("C0301000003", "Artificial femoral head", "人工股骨头", "material", "", 0, 120, 6500.0),
    ("C0302000004", "Bone plate and screws", "骨科内固定钢板螺钉", "material", "", 0, 120, 4200.0),
    ("C0401000005", "Intraocular lens", "人工晶体", "material", "", 0, 120, 1500.0),
    ("C0501000006", "Urinary catheter", "一次性导尿管", "material", "", 0, 120, 15.0),
    ("C0601000007", "Dialyser", "血液透析器", "material", "", 0, 120, 120.0),
    # drugs (inpatient use by dose; packs with a traceability code in outpatient care)
    ("XB05BBN001", "Sodium chloride 0.9 % infusion 250 ml", "0.9%氯化钠注射液", "drug", "", 0, 120, 4.0),
    ("XJ01DCC002", "Cefuroxime for injection 1.5 g", "注射用头孢呋辛钠", "drug", "", 0, 120, 18.0),
    ("XA02BCO003", "Omeprazole for injection 40 mg", "注射用奥美拉唑钠", "drug", "", 0, 120, 12.0),
    ("XB01ACC004", "Clopidogrel tablets 75 mg x 7", "硫酸氢氯吡格雷片", "drug", "", 18, 120, 12.0),
    ("XC10AAA005", "Atorvastatin tablets 20 mg x 7", "阿托伐他汀钙片", "drug", "", 18, 120, 9.0),
    ("XC08CAA006", "Amlodipine tablets 5 mg x 28", "苯磺酸氨氯地平片", "drug", "", 18, 120, 18.0),
    ("XA10BAM007", "Metformin tablets 0.5 g x 60", "盐酸二甲双胍片", "drug", "", 18, 120, 16.0),
    ("XA10AEG008", "Insulin glargine pen 300 IU", "甘精胰岛素注射液", "drug", "", 0, 120, 75.0),
    ("XA10BKD009", "Dapagliflozin tablets 10 mg x 14", "达格列净片", "drug", "", 18, 120, 58.0),
    ("XC09DXS010", "Sacubitril/valsartan tablets x 14", "沙库巴曲缬沙坦钠片", "drug", "", 18, 120, 102.0),
    ("XB01AFR011", "Rivaroxaban tablets 10 mg x 10", "利伐沙班片", "drug", "", 18, 120, 48.0),
    ("XJ05AFE012", "Entecavir tablets 0.5 mg x 28", "恩替卡韦片", "drug", "", 16, 120, 32.0),
    ("ZA16AAA013", "Angong Niuhuang pill 3 g", "安宫牛黄丸", "drug", "", 0, 120, 420.0),
    ("XR05CBA014", "Ambroxol for injection 30 mg", "注射用盐酸氨溴索", "drug", "", 0, 120, 15.0),
    ("XL01XAC015", "Cisplatin for injection 30 mg", "注射用顺铂", "drug", "", 0, 120, 95.0),
    ("XL01CDP016", "Paclitaxel for injection 30 mg", "紫杉醇注射液", "drug", "", 0, 120, 380.0),
    ("XB03XAE017", "Erythropoietin for injection 3000 IU", "重组人促红素注射液", "drug", "", 0, 120, 45.0),
    ("XH01BBO018", "Oxytocin injection 10 IU", "缩宫素注射液", "drug", "F", 12, 55, 5.0),
    ("XG04CAT019", "Tamsulosin capsules 0.2 mg x 10", "盐酸坦索罗辛缓释胶囊", "drug", "M", 0, 120, 22.0),
    ("XG04CBF020", "Finasteride tablets 5 mg x 10", "非那雄胺片", "drug", "M", 0, 120, 28.0),
    ("XG03DAP021", "Progesterone injection 20 mg", "黄体酮注射液", "drug", "F", 12, 60, 8.0),
    ("XN02BEP022", "Paracetamol tablets 0.5 g x 12", "对乙酰氨基酚片", "drug", "", 0, 120, 6.0),
    ("XJ01CAA023", "Amoxicillin capsules 0.25 g x 24", "阿莫西林胶囊", "drug", "", 0, 120, 10.0),
    ("XM01AEI024", "Ibuprofen sustained-release capsules x 20", "布洛芬缓释胶囊", "drug", "", 0, 120, 14.0),
    ("ZB01AAA025", "Salvia (danshen) injection 10 ml", "丹参注射液", "drug", "", 0, 120, 9.0),
    ("XA07DAL026", "Montmorillonite powder 3 g x 10", "蒙脱石散", "drug", "", 0, 120, 12.0),
    ("XN06BXC027", "Citicoline for injection 0.25 g", "注射用胞磷胆碱钠", "drug", "", 0, 120, 16.0),
)  # fmt: skip

CODES = np.array([i[0] for i in ITEMS], dtype=object)
CATEGORY = np.array([i[3] for i in ITEMS], dtype=object)
SEX_LIMIT = np.array([i[4] for i in ITEMS], dtype=object)
PRICE = np.array([i[7] for i in ITEMS])
_INDEX = {code: i for i, code in enumerate(CODES.tolist())}


def item(code: str) -> int:
    """Catalogue index of an item code."""
    return _INDEX[code]


def items(*codes: str) -> np.ndarray:
    """Catalogue indices of several item codes."""
    return np.array([_INDEX[c] for c in codes], dtype=np.int64)


#: Drugs sold by the pack with a traceability code (outpatient care and pharmacies).
PACK_DRUGS = items(
    "XB01ACC004", "XC10AAA005", "XC08CAA006", "XA10BAM007", "XA10AEG008", "XA10BKD009",
    "XC09DXS010", "XB01AFR011", "XJ05AFE012", "ZA16AAA013", "XG04CAT019", "XG04CBF020",
    "XN02BEP022", "XJ01CAA023", "XM01AEI024", "XA07DAL026",
)  # fmt: skip
#: Pack drugs worth reselling (回流药): expensive chronic medicines.
RESALE_DRUGS = items("XA10AEG008", "XC09DXS010", "XA10BKD009", "ZA16AAA013", "XB01AFR011")
#: Everyday pharmacy drugs (no sex limit).
PHARMACY_DRUGS = items(
    "XB01ACC004", "XC10AAA005", "XC08CAA006", "XA10BAM007", "XA10AEG008", "XA10BKD009",
    "XC09DXS010", "XJ05AFE012", "XN02BEP022", "XJ01CAA023", "XM01AEI024", "XA07DAL026",
)  # fmt: skip
PHARMACY_WEIGHTS = np.array([8, 10, 12, 10, 8, 6, 5, 5, 10, 8, 8, 6], dtype=float)

#: Care profiles: tests, treatments, drugs, (surgery, material) pools, and share of cost in
#: drugs. Sex-limited items appear only in profiles of diagnoses for that sex.
_GENERAL_TESTS = ("250101015", "250102035", "250305001", "250307001", "250302001",
                  "250203001", "250403001", "310701001")  # fmt: skip
PROFILES: dict[str, dict[str, tuple[str, ...]]] = {
    "medical": {
        "test": (*_GENERAL_TESTS, "210300001", "220201001", "250303001"),
        "treatment": ("120400006", "121400001"),
        "drug": ("XB05BBN001", "XJ01DCC002", "XA02BCO003", "XR05CBA014", "ZB01AAA025"),
    },
    "cardio": {
        "test": (*_GENERAL_TESTS, "220302001", "250303001", "210300002", "210400001"),
        "treatment": ("120400006", "121400001"),
        "drug": ("XB05BBN001", "XB01ACC004", "XC10AAA005", "ZB01AAA025", "XN06BXC027"),
    },
    "diabetes": {
        "test": (*_GENERAL_TESTS, "250303001", "220201001"),
        "treatment": ("120400006",),
        "drug": ("XB05BBN001", "XA10BAM007", "XA10AEG008", "XA10BKD009"),
    },
    "respiratory": {
        "test": (*_GENERAL_TESTS, "210300001", "250501001"),
        "treatment": ("120400006", "121500001", "121400001"),
        "drug": ("XB05BBN001", "XJ01DCC002", "XR05CBA014"),
    },
    "musculo": {
        "test": (*_GENERAL_TESTS, "230500001", "210400001"),
        "treatment": ("340200001", "440000001", "340100001", "120400006"),
        "drug": ("XB05BBN001", "XM01AEI024", "ZB01AAA025"),
    },
    "surgery_gi": {
        "test": (*_GENERAL_TESTS, "220201001", "210300001"),
        "treatment": ("120400006",),
        "drug": ("XB05BBN001", "XJ01DCC002", "XA02BCO003"),
        "surgery": ("331003001", "331003002"),
        "material": ("C0201000002", "C0101000001"),
    },
    "fracture": {
        "test": (*_GENERAL_TESTS, "210300001"),
        "treatment": ("120400006", "340100001"),
        "drug": ("XB05BBN001", "XJ01DCC002", "XB01AFR011"),
        "surgery": ("331501002", "331502003"),
        "material": ("C0301000003", "C0302000004"),
    },
    "cataract": {
        "test": ("250101015", "250203001", "310701001", "250302001"),
        "treatment": ("120400006",),
        "drug": ("XB05BBN001", "XJ01DCC002"),
        "surgery": ("330604001",),
        "material": ("C0401000005",),
    },
    "oncology": {
        "test": (*_GENERAL_TESTS, "250404001", "210300001", "210400001"),
        "treatment": ("120400006", "121400001"),
        "drug": ("XB05BBN001", "XA02BCO003", "XJ01DCC002"),
    },
    "chemo": {
        "test": ("250101015", "250305001", "250307001", "250404001"),
        "treatment": ("310800001", "120400006"),
        "drug": ("XB05BBN001", "XL01XAC015", "XL01CDP016", "XA02BCO003"),
    },
    "dialysis": {
        "test": ("250101015", "250307001", "250501001", "250302001"),
        "treatment": ("311300001",),
        "drug": ("XB05BBN001", "XB03XAE017"),
        "material": ("C0601000007",),
    },
    "prostate": {
        "test": (*_GENERAL_TESTS, "250403025", "220800001"),
        "treatment": ("120400006",),
        "drug": ("XB05BBN001", "XG04CAT019", "XG04CBF020", "XJ01DCC002"),
        "surgery": ("331101001",),
        "material": ("C0501000006",),
    },
    "delivery": {
        "test": ("250101015", "250102035", "250203001", "311100001", "220700001"),
        "treatment": ("120400006", "311201001"),
        "drug": ("XB05BBN001", "XH01BBO018"),
        "surgery": ("331507001",),
        "material": ("C0101000001",),
    },
    "caesarean": {
        "test": ("250101015", "250102035", "250203001", "311100001", "220700001"),
        "treatment": ("120400006", "311201001"),
        "drug": ("XB05BBN001", "XH01BBO018", "XJ01DCC002"),
        "surgery": ("331506001",),
        "material": ("C0501000006", "C0101000001"),
    },
    "gynaecology": {
        "test": (*_GENERAL_TESTS, "220700001", "270300001"),
        "treatment": ("120400006", "311201001"),
        "drug": ("XB05BBN001", "XJ01DCC002", "XG03DAP021"),
        "surgery": ("331403001",),
        "material": ("C0201000002",),
    },
    "acute_gi": {
        "test": ("250101015", "250102035", "250403001", "250307001"),
        "treatment": ("120400006",),
        "drug": ("XB05BBN001", "XA07DAL026", "XA02BCO003"),
    },
    "observation": {
        "test": ("250101015", "310701001", "210300002", "250203001", "250403001", "210300001"),
    },
    "newborn": {
        "test": ("250101015", "120400012"),
        "treatment": ("121400001",),
        "drug": ("XB05BBN001",),
    },
}

#: (ICD-10 code, Chinese name, profile, sex, min age, max age, mean stay in days, cost factor,
#:  weights for ages 0-14, 15-59, 60+). Weights are relative admission frequencies.
DIAGNOSES: tuple[tuple[str, str, str, str, int, int, float, float, tuple[float, float, float]], ...] = (
    ("I63.9", "脑梗死", "cardio", "", 30, 120, 11.0, 1.15, (0, 3, 14)),
    ("I69.3", "脑梗死后遗症", "musculo", "", 40, 120, 12.0, 0.75, (0, 1, 5)),
    ("I10", "原发性高血压", "cardio", "", 25, 120, 7.5, 0.65, (0, 3, 7)),
    ("I25.1", "动脉粥样硬化性心脏病", "cardio", "", 35, 120, 8.5, 1.05, (0, 3, 10)),
    ("I50.9", "心力衰竭", "cardio", "", 40, 120, 9.5, 1.1, (0, 1, 6)),
    ("G45.9", "短暂性脑缺血发作", "cardio", "", 35, 120, 7.0, 0.75, (0, 1, 3)),
    ("J18.9", "肺炎", "respiratory", "", 0, 120, 8.0, 0.85, (30, 5, 10)),
    ("J20.9", "急性支气管炎", "respiratory", "", 0, 120, 6.0, 0.55, (22, 3, 4)),
    ("J44.1", "慢性阻塞性肺病伴有急性加重", "respiratory", "", 40, 120, 10.0, 1.0, (0, 1, 10)),
    ("E11.9", "2型糖尿病", "diabetes", "", 20, 120, 9.0, 0.8, (0, 4, 8)),
    ("K80.1", "胆囊结石伴有其他胆囊炎", "surgery_gi", "", 18, 120, 7.0, 1.6, (0, 5, 4)),
    ("K35.8", "急性阑尾炎", "surgery_gi", "", 5, 120, 6.0, 1.2, (4, 5, 1)),
    ("K29.7", "胃炎", "medical", "", 10, 120, 6.0, 0.5, (1, 3, 3)),
    ("K74.6", "肝硬化", "medical", "", 30, 120, 11.0, 1.2, (0, 1, 2)),
    ("M51.2", "腰椎间盘突出", "musculo", "", 20, 120, 10.0, 0.7, (0, 5, 4)),
    ("M17.9", "膝关节病", "musculo", "", 40, 120, 9.0, 0.7, (0, 2, 5)),
    ("M47.8", "颈椎病", "musculo", "", 25, 120, 9.0, 0.6, (0, 3, 3)),
    ("S72.0", "股骨颈骨折", "fracture", "", 50, 120, 14.0, 2.6, (0, 0, 3)),
    ("S82.2", "胫骨骨干骨折", "fracture", "", 5, 120, 12.0, 2.2, (1, 2, 1)),
    ("H25.9", "老年性白内障", "cataract", "", 50, 120, 3.0, 0.9, (0, 0, 6)),
    ("C34.9", "支气管或肺恶性肿瘤", "oncology", "", 35, 120, 12.0, 1.8, (0, 1, 3)),
    ("C16.9", "胃恶性肿瘤", "oncology", "", 35, 120, 13.0, 1.9, (0, 1, 2)),
    ("Z51.1", "为肿瘤化学治疗疗程", "chemo", "", 18, 120, 4.0, 1.0, (0, 1, 2)),
    ("N18.5", "慢性肾脏病5期", "dialysis", "", 18, 120, 8.0, 0.9, (0, 1, 1)),
    ("N40", "前列腺增生", "prostate", "M", 50, 120, 8.0, 1.1, (0, 0, 5)),
    ("N39.0", "泌尿道感染", "medical", "", 0, 120, 6.0, 0.5, (2, 2, 3)),
    ("O80.0", "单胎顺产", "delivery", "F", 18, 45, 3.5, 0.55, (0, 14, 0)),
    ("O82.0", "经选择性剖宫产术的分娩", "caesarean", "F", 18, 45, 5.5, 1.0, (0, 9, 0)),
    ("D25.9", "子宫平滑肌瘤", "gynaecology", "F", 25, 60, 7.0, 1.3, (0, 4, 1)),
    ("N70.9", "输卵管炎和卵巢炎", "gynaecology", "F", 18, 60, 6.0, 0.5, (0, 3, 0)),
    ("A09.0", "感染性胃肠炎", "acute_gi", "", 0, 120, 4.0, 0.35, (8, 2, 2)),
    ("P59.9", "新生儿黄疸", "newborn", "", 0, 0, 5.0, 0.45, (6, 0, 0)),
)  # fmt: skip

#: Diagnoses used only by planted cases and traps (never drawn for ordinary stays).
SPECIAL_DIAGNOSES: tuple[tuple[str, str, str], ...] = (
    ("A05.9", "细菌性食物中毒", "acute_gi"),
    ("T62.9", "食入有害食物的毒性效应", "acute_gi"),
    ("R07.4", "胸痛", "observation"),
    ("S06.0", "脑震荡", "observation"),
    ("Z03.8", "其他可疑疾病的观察", "observation"),
    ("Z51.5", "姑息治疗", "medical"),
    ("N62", "乳房增生（男性乳房发育）", "medical"),
    ("Z00.0", "一般医学检查（健康查体）", "observation"),
    ("J06.9", "急性上呼吸道感染", "respiratory"),
    ("B18.1", "慢性乙型病毒性肝炎", "medical"),
    ("M54.5", "腰痛", "musculo"),
)
#: Outpatient diagnoses (code, weight) for ordinary visits.
OUTPATIENT_DX: tuple[tuple[str, float], ...] = (
    ("J06.9", 30), ("I10", 18), ("E11.9", 10), ("K29.7", 8), ("M54.5", 8), ("J20.9", 6),
    ("B18.1", 2), ("M47.8", 4), ("N39.0", 3), ("A09.0", 3), ("I25.1", 4), ("Z00.0", 4),
)  # fmt: skip

DX_CODE = np.array([d[0] for d in DIAGNOSES] + [d[0] for d in SPECIAL_DIAGNOSES], dtype=object)
DX_NAME = np.array([d[1] for d in DIAGNOSES] + [d[1] for d in SPECIAL_DIAGNOSES], dtype=object)
DX_PROFILE = np.array([d[2] for d in DIAGNOSES] + [d[2] for d in SPECIAL_DIAGNOSES], dtype=object)
_DX_INDEX = {code: i for i, code in enumerate(DX_CODE.tolist())}


def dx(code: str) -> int:
    """Index of an ICD-10 code in :data:`DX_CODE`."""
    return _DX_INDEX[code]


def item_catalogue() -> pd.DataFrame:
    """The ``item_catalogue`` table, sorted by ``item_code``."""
    frame = pd.DataFrame(
        list(ITEMS),
        columns=[
            "item_code",
            "name",
            "name_zh",
            "category",
            "sex_limit",
            "min_age",
            "max_age",
            "reference_price",
        ],
    )
    frame["sex_limit"] = frame["sex_limit"].astype("str").where(frame["sex_limit"] != "")
    for col in ("min_age", "max_age"):
        frame[col] = frame[col].astype("int64")
    return frame.sort_values("item_code", kind="stable").reset_index(drop=True)
