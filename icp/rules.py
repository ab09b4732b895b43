"""Domain rules of the ICP office: unified business numbers, demand tiers, award prizes (credits: icp.credits)."""
from decimal import Decimal

UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def ubn_is_valid(number: str) -> bool:
    """Check a 統一編號 (unified business number).

    Each digit is multiplied by its weight and the digits of the products are added. The sum must
    be divisible by 5 (the Ministry of Finance widened the rule from 10 to 5 in 2023, so every
    number valid under the old rule is still valid). When the 7th digit is 7 its product (28)
    counts as either 10 → 1 or 0, so the sum plus one may be divisible instead.
    """
    if not (isinstance(number, str) and len(number) == 8 and number.isascii() and number.isdigit()):
        return False
    total = sum(sum(divmod(int(digit) * weight, 10)) for digit, weight in zip(number, UBN_WEIGHTS))
    if total % 5 == 0:
        return True
    return number[6] == "7" and (total + 1) % 5 == 0


def demand_tier(score: Decimal | None) -> str | None:
    """Tier of a demand item from its first-review score: ≥ 80 priority, 60–80 general, < 60 out."""
    if score is None:
        return None
    if score >= 80:
        return "優先項目"
    if score >= 60:
        return "一般項目"
    return "不納入"


# Prize (NTD) per (category, rank) of the awards programme; any other rank is not awarded money.
AWARD_PRIZES = {("團體獎", 1): 50_000, ("團體獎", 2): 30_000, ("個人獎", 1): 30_000, ("個人獎", 2): 20_000}
AWARDS_PER_ROUND_MAX = 4
