from django import forms

from plans.models import Plan


class SuccessorForm(forms.Form):
    """The admin action's questions: the successor's identifier, name and period."""

    slug = forms.SlugField(
        label="次期計画の識別子",
        max_length=80,
        help_text="URL に使う半角英数字とハイフン（例: kumamoto-welfare-5）",
    )
    title = forms.CharField(
        label="次期計画の名称", max_length=200, required=False, help_text="空欄なら「…（次期計画）」"
    )
    start_fy = forms.IntegerField(label="計画期間（開始年度）", min_value=1950, max_value=2100)
    end_fy = forms.IntegerField(label="計画期間（終了年度）", min_value=1950, max_value=2100)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        length = plan.end_fy - plan.start_fy
        self.fields["start_fy"].initial = plan.end_fy + 1
        self.fields["end_fy"].initial = plan.end_fy + 1 + length
