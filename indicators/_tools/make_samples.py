"""Generate the sample assessments of the bundled indicator systems (seeded, reproducible).

For every system ``indicators/<id>.yaml`` listed in :data:`SYSTEMS` this script
writes, next to it:

* ``<id>.projects.csv``  -- ``project,name,name_zh,organisation,contract_value,period``
* ``<id>.values.csv``    -- wide: ``project,<quantitative indicator ids...>``
* ``<id>.ratings.csv``   -- long: ``project,indicator,rater,group,rating``

The data are synthetic but structured like a real third-party evaluation:

* Every project has a latent quality in [0, 1] per stage, first-level node or
  single indicator (the most specific one given wins). A quantitative value is
  ``worst + q * (best - worst)`` plus a little noise, rounded to the unit's
  precision and kept inside the indicator's bounds; target and interval
  indicators deviate from their target/interval by an amount that grows with
  ``1 - q``. A few values are fixed by hand where a project's story needs it
  (e.g. the failed spot checks of a "for show" project).
* Ratings come from rater pools that answer every item of their survey or
  review (the same residents answer all resident items of a project; one
  expert panel, identified across projects, reviews all projects). A rating is
  the latent quality mapped onto the scale, plus a persistent rater bias, a
  per-project group shift (e.g. purchaser officials rating their own "for show"
  project generously) and item noise, rounded to the nearest scale point.
  About 4 % of answers are left empty (missing answers).
* Community (flagship) projects include one strong and balanced project, one
  "for show" project (outputs and paperwork excellent, residents unconvinced,
  unannounced spot checks failed) and one weak project.

Only numpy and PyYAML are needed (ppeval is not imported), and the output is a
pure function of the seeds below: run it again and the files are identical.

Usage (from the repository root)::

    .venv/bin/python indicators/_tools/make_samples.py            # write all
    .venv/bin/python indicators/_tools/make_samples.py --check    # exit 1 if a file would change
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent.parent
MISSING_RATE = 0.04
RATER_BIAS_SD = 0.35   # persistent leniency/severity of a rater, in scale steps
ITEM_NOISE_SD = 0.55   # answer-to-answer noise, in scale steps
VALUE_NOISE_SD = 0.04  # noise of a quantitative value, as a share of its span


#: Chinese names of the sample projects (the name_zh column of the projects files).
NAME_ZH = {
    "t01": "低保家庭社会救助个案服务",
    "t02": "残疾人社区康复服务",
    "t03": "困境儿童家庭支持服务",
    "t04": "独居老人上门探访服务",
    "t05": "未就业青年就业辅导",
    "t06": "社区调解与邻里服务",
    "b01": "失能老人居家照护服务",
    "b02": "社区矫正社会工作服务",
    "b03": "失业居民就业援助",
    "b04": "农村留守儿童关爱项目",
    "b05": "社区健康教育与筛查",
    "b06": "法律援助热线与社区法律诊所",
    "c01": "清水社区家庭服务中心",
    "c02": "锦绣社区文化活动项目",
    "c03": "东风社区青少年服务",
    "c04": "六合社区老年人互助项目",
    "c05": "虹桥社区流动家庭融入项目",
    "c06": "白云社区残疾人支持项目",
    "c07": "杏花社区心理健康外展服务",
    "c08": "梅林社区儿童课后托管服务",
    "e01": "春晖街道养老服务站",
    "e02": "富强社区养老服务站",
    "e03": "和平社区日间照料中心",
    "e04": "雨花街道养老服务站",
    "e05": "兰亭社区助餐与上门服务",
    "e06": "桃园社区养老服务站",
    "e07": "清河街道综合养老服务中心",
    "e08": "梧桐社区养老服务站",
}


@dataclass
class Project:
    id: str
    name: str
    organisation: str
    contract_value: int
    period: str
    #: node or leaf id -> latent quality in [0, 1]; "*" is the project's default
    quality: dict[str, float]
    #: fixed raw values (None = missing)
    values: dict[str, float | None] = field(default_factory=dict)
    #: rater group -> shift of its ratings, in scale steps
    shifts: dict[str, float] = field(default_factory=dict)
    #: target/interval leaf -> side of the deviation: -1 below, +1 above (random if absent)
    side: dict[str, int] = field(default_factory=dict)


@dataclass
class Pool:
    """Raters of one group for one project: how many (min, max) and which ids."""

    group: str
    size: tuple[int, int]
    shared: tuple[str, ...] | None = None   # a panel identified across projects (experts, officials)
    prefix: str = ""


@dataclass
class Spec:
    seed: int
    projects: list[Project]
    pools: dict[str, Pool]                  # pool name -> pool
    raters: dict[str, list[tuple[str, int | None]]]  # leaf id -> [(pool name, at most k raters of it)]
    decimals: dict[str, int]
    labels: bool                            # write Likert ratings as labels (True) or values (False)


# --------------------------------------------------------------------------- project sets

PERIOD = "2023-04/2024-03"

COMMUNITY = Spec(
    seed=20240401,
    projects=[
        Project("c01", "Qingshui Community Family Service Centre", "Hengyuan Social Work Service Centre",
                780000, PERIOD, {"*": 0.86, "approval": 0.9, "effect": 0.88}),
        Project("c02", "Jinxiu Community Culture and Activities Project",
                "Huamei Community Development Services", 650000, PERIOD,
                {"*": 0.55, "approval": 0.75, "needs_assessment_coverage": 0.5,
                 "consultation_meetings": 0.85, "resident_participation": 0.22, "demand_fit": 0.25,
                 "needs_project_alignment": 0.35, "contract_delivery_rate": 0.99,
                 "qualified_staff_share": 0.75, "staff_turnover": 0.75,
                 "record_completeness": 0.95, "supervision_quality": 0.45, "genuineness": 0.2,
                 "output_achievement": 0.99, "outcome_achievement": 0.3, "resident_satisfaction": 0.22,
                 "user_satisfaction": 0.45, "sustainability": 0.25, "social_impact": 0.25,
                 "active_volunteers": 0.6},
                values={"spot_check_pass_rate": 40.0, "consultation_meetings": 5},
                shifts={"government": 0.9, "expert": -0.2, "resident": -0.3}),
        Project("c03", "Dongfeng Community Youth Services", "Xinlu Youth Social Work Agency",
                420000, PERIOD, {"*": 0.34, "approval": 0.5, "user_satisfaction": 0.45}),
        Project("c04", "Liuhe Community Elderly Mutual-Aid Project", "Anyang Senior Care Association",
                560000, PERIOD, {"*": 0.66}),
        Project("c05", "Hongqiao Migrant Families Integration Project", "Tongxin Community Service Centre",
                480000, PERIOD, {"*": 0.74, "proposal": 0.88, "approval": 0.35, "effect": 0.78},
                values={"competing_bids": 1, "disclosure_rate": 50.0}),
        Project("c06", "Baiyun Community Disability Support Project", "Kangning Rehabilitation Services",
                890000, PERIOD, {"*": 0.62, "implementation": 0.85, "effect": 0.55, "proposal": 0.5}),
        Project("c07", "Xinghua Community Mental-Health Outreach", "Xinyu Psychological Services Centre",
                350000, PERIOD, {"*": 0.58, "staff_turnover": 0.3}),
        Project("c08", "Meilin Community After-School Care for Children",
                "Qimiao Children's Social Work Centre", 620000, PERIOD,
                {"*": 0.8, "implementation": 0.76, "effect": 0.84}),
    ],
    pools={
        "residents": Pool("resident", (9, 12), prefix="res"),
        "users": Pool("service_user", (8, 12), prefix="usr"),
        "experts": Pool("expert", (3, 5), shared=("exp-01", "exp-02", "exp-03", "exp-04", "exp-05")),
        "officials": Pool("government", (2, 3), shared=("gov-01", "gov-02", "gov-03")),
    },
    raters={
        "resident_participation": [("residents", None)],
        "demand_fit": [("residents", None)],
        "needs_project_alignment": [("experts", None), ("officials", None)],
        "procurement_compliance": [("experts", None), ("officials", None)],
        "provider_qualification": [("experts", None), ("officials", None)],
        "supervision_quality": [("experts", None), ("officials", None)],
        "genuineness": [("experts", None), ("officials", None), ("residents", 4)],
        "outcome_achievement": [("experts", None), ("officials", None)],
        "resident_satisfaction": [("residents", None)],
        "user_satisfaction": [("users", None)],
        "sustainability": [("experts", None), ("officials", None)],
        "social_impact": [("residents", 6), ("experts", None), ("officials", None)],
    },
    decimals={"consultation_meetings": 0, "competing_bids": 0},
    labels=True,
)

BUDGET = Spec(
    seed=20240402,
    projects=[
        Project("b01", "Home-based care for elderly people with disabilities, Xiyuan District",
                "Xiyuan Home Care Services Co-operative", 2400000, "2023-01/2023-12",
                {"*": 0.95}),
        Project("b02", "Community correction social-work services, Nanhu District",
                "Zhengxin Social Work Service Centre", 960000, "2023-01/2023-12",
                {"*": 0.78, "decision": 0.85}, side={"cost_saving": -1}),
        Project("b03", "Employment assistance for unemployed residents, Beishan Street",
                "Lixin Vocational Training Centre", 720000, "2023-01/2023-12",
                {"*": 0.62, "process": 0.55, "cost_saving": 0.3}, side={"cost_saving": -1}),
        Project("b04", "Rural left-behind children care project, Shiqiao Town",
                "Chunmiao Children's Charity", 540000, "2023-01/2023-12",
                {"*": 0.45, "effect": 0.38}, side={"cost_saving": +1}),
        Project("b05", "Community health education and screening, Dongcheng Street",
                "Jiankang Community Health Promotion Association", 830000, "2023-01/2023-12",
                {"*": 0.7, "process": 0.92, "output": 0.88, "effect": 0.45},
                values={"budget_execution_rate": 99.6}),
        Project("b06", "Legal aid hotline and community legal clinics, Hexi District",
                "Mingde Legal Services Centre", 650000, "2023-01/2023-12",
                {"*": 0.84, "output": 0.9}, side={"cost_saving": -1}),
    ],
    pools={
        "panel": Pool("expert", (5, 5), shared=("eval-01", "eval-02", "eval-03", "eval-04", "eval-05",
                                                "eval-06")),
        "users": Pool("service_user", (10, 15), prefix="usr"),
    },
    raters={},  # filled below: every qualitative leaf by the panel, satisfaction by users
    decimals={},
    labels=True,
)

ELDERLY = Spec(
    seed=20240403,
    projects=[
        Project("e01", "Chunhui Street Elderly Care Station", "Yangguang Senior Services Centre",
                1200000, PERIOD, {"*": 0.85}),
        Project("e02", "Fuqiang Community Elderly Care Station", "Jiayuan Home Care Co.",
                980000, PERIOD,
                {"*": 0.6, "output_and_cost": 0.9, "service_quality": 0.35, "safety_management": 0.5},
                values={"visit_duration": 38.0}, side={"visit_duration": -1, "staff_user_ratio": -1}),
        Project("e03", "Heping Community Day-Care Centre", "Xiangyun Elder Care Association",
                760000, PERIOD, {"*": 0.32, "tangibles": 0.55}),
        Project("e04", "Yuhua Street Elderly Care Station", "Anxin Senior Services Centre",
                1050000, PERIOD, {"*": 0.7, "cost_per_service_hour": 0.5}),
        Project("e05", "Lanting Community Meal and Home-Visit Service", "Lezhi Elderly Services Co.",
                690000, PERIOD, {"*": 0.64, "management_and_safety": 0.45, "empathy": 0.8},
                values={"visit_duration": 112.0}, side={"visit_duration": +1, "staff_user_ratio": -1}),
        Project("e06", "Taoyuan Community Elderly Care Station", "Shouxing Social Work Centre",
                880000, PERIOD, {"*": 0.78, "output_and_cost": 0.6}, side={"staff_user_ratio": +1}),
        Project("e07", "Qinghe Street Integrated Elderly Care Centre", "Yiyang Health Services Group",
                1500000, PERIOD, {"*": 0.93, "coverage_rate": 0.6}),
        Project("e08", "Wutong Community Elderly Care Station", "Fushou Senior Citizens' Association",
                540000, PERIOD, {"*": 0.52}, side={"staff_user_ratio": -1}),
    ],
    pools={
        "users": Pool("service_user", (8, 11), prefix="usr"),
        "family": Pool("family", (2, 3), prefix="fam"),
        "experts": Pool("expert", (3, 3), shared=("exp-01", "exp-02", "exp-03", "exp-04")),
        "officials": Pool("government", (2, 2), shared=("gov-01", "gov-02")),
    },
    raters={},  # filled below
    decimals={"cost_per_service_hour": 0, "staff_user_ratio": 3, "emergency_response": 0,
              "visit_duration": 0},
    labels=False,
)

EQUITY = Spec(
    seed=20240404,
    projects=[
        Project("t01", "Social assistance casework for dibao households, Jianxin District",
                "Minsheng Social Work Service Centre", 860000, PERIOD, {"*": 0.82, "equity": 0.9}),
        Project("t02", "Community rehabilitation for people with disabilities, Guangming Street",
                "Kangyi Rehabilitation Association", 1100000, PERIOD,
                {"*": 0.7, "economy": 0.45, "effectiveness": 0.85}, side={"spend_vs_budget": +1}),
        Project("t03", "Family support for children in difficulty, Xinhe District",
                "Ai'xin Children and Family Services", 640000, PERIOD, {"*": 0.4, "equity": 0.3}),
        Project("t04", "Home visiting for older people living alone, Songbai Street",
                "Laoyou Volunteer Services Centre", 450000, PERIOD,
                {"*": 0.75, "economy": 0.9, "equity": 0.55}, side={"spend_vs_budget": -1}),
        Project("t05", "Job coaching for young people not in work, Gaoxin District",
                "Qidian Youth Development Centre", 780000, PERIOD, {"*": 0.55},
                values={"overhead_share": None}),
        Project("t06", "Community mediation and neighbourhood services, Hucheng Street",
                "Hexie Community Services", 520000, PERIOD,
                {"*": 0.66, "efficiency": 0.85, "effectiveness": 0.5}, side={"spend_vs_budget": -1}),
    ],
    pools={
        "users": Pool("service_user", (10, 13), prefix="usr"),
        "residents": Pool("resident", (10, 12), prefix="res"),
        "experts": Pool("expert", (4, 5), shared=("exp-01", "exp-02", "exp-03", "exp-04", "exp-05")),
        "officials": Pool("government", (1, 2), shared=("gov-01", "gov-02")),
    },
    raters={
        "outcome_improvement": [("experts", None), ("officials", None)],
        "user_satisfaction": [("users", None)],
        "problem_solved": [("users", None)],
        "access_fairness": [("residents", None)],
    },
    decimals={"cost_per_user": 0, "satisfaction_gap": 2},
    labels=True,
)

SYSTEMS: dict[str, Spec] = {
    "community-4stage": COMMUNITY,
    "budget-performance": BUDGET,
    "elderly-care": ELDERLY,
    "3e-equity": EQUITY,
}


# --------------------------------------------------------------------------- tree helpers

Leaf = tuple[dict[str, Any], tuple[str, ...]]


def leaves_with_path(node: dict[str, Any], path: tuple[str, ...] = ()) -> list[Leaf]:
    """Leaves in depth-first order with the ids of their ancestors (root first)."""
    out = []
    for child in node["children"]:
        if "children" in child:
            out += leaves_with_path(child, (*path, node["id"]))
        else:
            out.append((child, (*path, node["id"])))
    return out


def latent(project: Project, leaf: dict[str, Any], ancestors: tuple[str, ...]) -> float:
    for key in (leaf["id"], *reversed(ancestors)):
        if key in project.quality:
            return project.quality[key]
    return project.quality["*"]


def scale_points(scale: dict[str, Any]) -> tuple[list[str], list[float]]:
    """(labels, values) of a scale, worst first; labels may be empty strings."""
    if scale["type"] == "likert":
        k = int(scale["points"])
        labels = list(scale.get("labels") or [""] * k)
        return labels, [float(v) for v in range(1, k + 1)]
    terms = scale["terms"]
    return [t["label"] for t in terms], [float(t["value"]) for t in terms]


def fmt_number(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}" if decimals > 0 else str(int(round(x)))


def default_decimals(leaf: dict[str, Any]) -> int:
    span = quantity_span(leaf)
    width = span[1] - span[0]
    if width <= 2:
        return 2
    return 1


def quantity_span(leaf: dict[str, Any]) -> tuple[float, float]:
    if "bounds" in leaf:
        b = leaf["bounds"]
        return (min(b["worst"], b["best"]), max(b["worst"], b["best"]))
    r = leaf["range"]
    return (float(r["low"]), float(r["high"]))


def quantitative_value(leaf: dict[str, Any], q: float, side: int | None, rng: np.random.Generator) -> float:
    """Raw value of a quantitative leaf for latent quality ``q``."""
    low, high = quantity_span(leaf)
    direction = leaf["direction"]
    q_eff = float(np.clip(q + rng.normal(0.0, VALUE_NOISE_SD), 0.0, 1.0))
    if direction in ("benefit", "cost"):
        worst, best = float(leaf["bounds"]["worst"]), float(leaf["bounds"]["best"])
        return worst + q_eff * (best - worst)
    sign = side if side is not None else (1 if rng.random() < 0.5 else -1)
    if direction == "target":
        # on target (within tolerance) for q >= 0.7; below that the excess deviation grows linearly
        t, tol = float(leaf["target"]["value"]), float(leaf["target"].get("tolerance", 0.0))
        room = max((high - t) if sign > 0 else (t - low), tol)
        miss = max(0.7 - q_eff, 0.0) / 0.7
        dev = tol * rng.random() if miss == 0.0 else tol + miss * 0.8 * (room - tol)
        return float(np.clip(t + sign * dev, low, high))
    # interval: inside for q >= 0.55; below that the distance to the interval grows linearly
    ok_low, ok_high = float(leaf["interval"]["low"]), float(leaf["interval"]["high"])
    miss = max(0.55 - q_eff, 0.0) / 0.55
    if miss == 0.0:
        return ok_low + (ok_high - ok_low) * (0.2 + 0.6 * rng.random())
    room = (high - ok_high) if sign > 0 else (ok_low - low)
    dev = miss * 0.8 * room
    return float(np.clip(ok_high + dev if sign > 0 else ok_low - dev, low, high))


# --------------------------------------------------------------------------- generation

def default_raters(system_id: str, leaf: dict[str, Any]) -> list[tuple[str, int | None]]:
    source = leaf.get("source")
    if system_id == "budget-performance":
        return [("users", None)] if source == "service_user_survey" else [("panel", None)]
    if system_id == "elderly-care":
        if source == "service_user_survey":
            return [("users", None), ("family", None)]
        return [("experts", None), ("officials", None)]
    raise KeyError(f"{system_id}: no raters configured for {leaf['id']!r}")


def draw_pools(spec: Spec, project: Project, rng: np.random.Generator) -> dict[str, list[str]]:
    out = {}
    for name, pool in spec.pools.items():
        n = int(rng.integers(pool.size[0], pool.size[1] + 1))
        if pool.shared is not None:
            picked = sorted(rng.choice(len(pool.shared), size=n, replace=False).tolist())
            out[name] = [pool.shared[i] for i in picked]
        else:
            out[name] = [f"{pool.prefix}-{project.id}-{i + 1:02d}" for i in range(n)]
    return out


def generate(system_id: str, spec: Spec) -> dict[str, str]:
    """Return {file name: CSV text} for one system."""
    system = yaml.safe_load((HERE / f"{system_id}.yaml").read_text(encoding="utf-8"))
    leaves = leaves_with_path(system["root"])
    quant = [(leaf, path) for leaf, path in leaves if leaf["kind"] == "quantitative" and "derived" not in leaf]
    qual = [(leaf, path) for leaf, path in leaves if leaf["kind"] == "qualitative"]
    rng = np.random.default_rng(spec.seed)

    projects = io.StringIO()
    w = csv.writer(projects, lineterminator="\n")
    w.writerow(["project", "name", "name_zh", "organisation", "contract_value", "period"])
    for p in spec.projects:
        w.writerow([p.id, p.name, NAME_ZH[p.id], p.organisation, p.contract_value, p.period])

    values = io.StringIO()
    w = csv.writer(values, lineterminator="\n")
    w.writerow(["project", *(leaf["id"] for leaf, _ in quant)])
    for p in spec.projects:
        row: list[str] = [p.id]
        for leaf, path in quant:
            lid = leaf["id"]
            decimals = spec.decimals.get(lid, default_decimals(leaf))
            if lid in p.values:
                fixed = p.values[lid]
                row.append("" if fixed is None else fmt_number(fixed, decimals))
                continue
            v = quantitative_value(leaf, latent(p, leaf, path), p.side.get(lid), rng)
            low, high = quantity_span(leaf)
            v = float(np.clip(round(v, decimals), low, high))
            row.append(fmt_number(v, decimals))
        w.writerow(row)

    ratings = io.StringIO()
    w = csv.writer(ratings, lineterminator="\n")
    w.writerow(["project", "indicator", "rater", "group", "rating"])
    for p in spec.projects:
        pools = draw_pools(spec, p, rng)
        bias = {r: float(rng.normal(0.0, RATER_BIAS_SD)) for members in pools.values() for r in members}
        for leaf, path in qual:
            labels, scale_values = scale_points(leaf["scale"])
            k = len(scale_values)
            q = latent(p, leaf, path)
            use_labels = spec.labels or leaf["scale"]["type"] == "linguistic"
            for pool_name, at_most in spec.raters.get(leaf["id"]) or default_raters(system_id, leaf):
                group = spec.pools[pool_name].group
                members = pools[pool_name] if at_most is None else pools[pool_name][:at_most]
                for rater in members:
                    noise = rng.normal(0.0, ITEM_NOISE_SD)
                    pos = q * (k - 1) + p.shifts.get(group, 0.0) + bias[rater] + noise
                    idx = int(np.clip(np.rint(pos), 0, k - 1))
                    if rng.random() < MISSING_RATE:
                        answer = ""
                    elif use_labels and labels[idx]:
                        answer = labels[idx]
                    else:
                        v = scale_values[idx]
                        answer = fmt_number(v, 0 if v.is_integer() else 2)
                    w.writerow([p.id, leaf["id"], rater, group, answer])
    return {
        f"{system_id}.projects.csv": projects.getvalue(),
        f"{system_id}.values.csv": values.getvalue(),
        f"{system_id}.ratings.csv": ratings.getvalue(),
    }


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    for system_id, spec in SYSTEMS.items():
        for name, text in generate(system_id, spec).items():
            path = HERE / name
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            changed.append(name)
            if not check:
                path.write_text(text, encoding="utf-8")
    if check:
        if changed:
            print("out of date: " + ", ".join(changed))
            return 1
        print("sample assessments are up to date")
        return 0
    print("written: " + (", ".join(changed) if changed else "nothing (all up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
