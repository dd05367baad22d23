"""The survey builder for administrators at /admin/surveys (blueprint `survey_builder`).

`views` is the edge, `forms` turns the question form into the dict a policy file holds,
`services` holds the builder's rules on top of `consult.surveys.services`.
"""

from consult.surveys.builder.views import bp

__all__ = ["bp"]
