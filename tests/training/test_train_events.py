"""The event coder's training pieces: the optimiser is deterministic, weights survive a save and
a load, and the confidence map pools equal scores."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path

import numpy as np
import pytest
from training_scripts import load_training_script

from eventscope.annotations import read_standoff
from eventscope.events.model.linear import HiddenModel, LinearModel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def train_events():  # type: ignore[no-untyped-def]
    pytest.importorskip("scipy")
    return load_training_script("train_events")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Loading a model keeps its unpacked weights in the cache folder: not the user's.
    monkeypatch.setenv("EVENTSCOPE_CACHE", str(tmp_path / "own-cache"))


def _toy(train_events):  # type: ignore[no-untyped-def]
    # Two classes told apart by one word; "the" says nothing; "rare" occurs once.
    rows = [["w=attack", "w=the"], ["w=attack"], ["w=meet", "w=the"], ["w=meet"]] * 3
    rows[3] = ["w=meet", "w=rare"]
    labels = [1, 1, 0, 0] * 3
    groups = [n // 4 for n in range(len(rows))]
    return train_events.Instances(rows, labels, None, groups)


def test_fit_is_deterministic_and_learns_the_telling_word(train_events, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = _toy(train_events)
    first = train_events.fit(data, ("NONE", "ASSAULT"), l2=1.0, min_count=2, max_iter=100)
    second = train_events.fit(data, ("NONE", "ASSAULT"), l2=1.0, min_count=2, max_iter=100)
    assert np.array_equal(first.weights, second.weights)
    probs = first.probabilities([["w=attack"], ["w=meet"]])
    assert probs[0, 1] > 0.7 > probs[1, 1]
    assert "w=rare" not in first.vocabulary  # under min_count: not a feature


def _two_feature_model() -> LinearModel:
    return LinearModel(
        classes=("NONE", "ASSAULT"),
        vocabulary={"w=attack": 0, "w=meet": 1},
        weights=np.array([[0.0, 2.0], [1.0, -1.0]], dtype=np.float32),
        dense_weights=np.zeros((0, 2), dtype=np.float32),
        bias=np.array([0.5, -0.5], dtype=np.float32),
    )


def test_weights_survive_a_save_and_a_load(tmp_path: Path) -> None:
    model = _two_feature_model()
    model.save(tmp_path / "m.npz")
    loaded = LinearModel.load(tmp_path / "m.npz")
    assert loaded.classes == model.classes and loaded.vocabulary == model.vocabulary
    instances = [["w=attack"], ["w=meet", "w=unknown"], []]
    assert np.allclose(loaded.probabilities(instances), model.probabilities(instances), atol=1e-3)


def test_a_second_load_maps_the_unpacked_weights_and_a_retrained_model_replaces_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTSCOPE_CACHE", str(tmp_path / "cache"))
    model = _two_feature_model()
    (tmp_path / "models").mkdir()
    path = tmp_path / "models" / "m.npz"
    model.save(path)
    first = LinearModel.load(path)
    second = LinearModel.load(path)
    # The first load unpacks into memory; the second maps the unpacked file, read-only.
    assert first.weights.flags.writeable and not second.weights.flags.writeable
    assert np.array_equal(first.weights, second.weights)
    assert len(list((tmp_path / "cache" / "models").glob("models-m-*.npy"))) == 1
    # A retrained model (another file) is unpacked afresh, and the old copy goes.
    dataclasses.replace(model, weights=model.weights * 2).save(path)
    os.utime(path, ns=(1, 1))
    third = LinearModel.load(path)
    assert np.array_equal(third.weights, model.weights * 2)
    assert len(list((tmp_path / "cache" / "models").glob("models-m-*.npy"))) == 1


def test_a_model_loads_where_the_cache_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "not-a-folder").write_text("x")
    monkeypatch.setenv("EVENTSCOPE_CACHE", str(tmp_path / "not-a-folder"))
    model = _two_feature_model()
    model.save(tmp_path / "m.npz")
    assert np.array_equal(LinearModel.load(tmp_path / "m.npz").weights, model.weights)


def test_a_failed_write_leaves_no_half_written_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTSCOPE_CACHE", str(tmp_path / "cache"))
    model = _two_feature_model()
    model.save(tmp_path / "m.npz")

    def full_disk(out, *args, **kwargs):  # type: ignore[no-untyped-def]
        out.write(b"half")
        raise OSError("No space left on device")

    monkeypatch.setattr(np, "save", full_disk)
    assert np.array_equal(LinearModel.load(tmp_path / "m.npz").weights, model.weights)
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_names_with_line_breaks_survive_and_the_old_format_still_loads(tmp_path: Path) -> None:
    names = {"w=\n": 0, "p1=\n\n": 1, "l=attack": 2}
    model = LinearModel(
        classes=("NONE", "ASSAULT"),
        vocabulary=names,
        weights=np.array([[0.0, 1.0], [0.5, 0.0], [0.0, 3.0]], dtype=np.float32),
        dense_weights=np.zeros((0, 2), dtype=np.float32),
        bias=np.zeros(2, dtype=np.float32),
    )
    model.save(tmp_path / "m.npz")
    assert LinearModel.load(tmp_path / "m.npz").vocabulary == names
    # A model saved before the names were one text: an array of strings.
    np.savez_compressed(
        tmp_path / "old.npz",
        classes=np.array(model.classes),
        vocabulary=np.array(list(names)),
        weights=model.weights.astype(np.float16),
        dense_weights=model.dense_weights,
        bias=model.bias,
    )
    assert LinearModel.load(tmp_path / "old.npz").vocabulary == names
    bad = LinearModel(
        model.classes, {"w=\x00": 0}, model.weights[:1], model.dense_weights, model.bias
    )
    with pytest.raises(ValueError, match="NUL"):
        bad.save(tmp_path / "bad.npz")


def test_pruning_drops_only_features_that_barely_move_a_score() -> None:
    model = LinearModel(
        classes=("NONE", "ASSAULT"),
        vocabulary={"w=attack": 0, "w=the": 1, "w=meet": 2},
        weights=np.array([[0.0, 2.0], [0.001, -0.002], [1.0, -1.0]], dtype=np.float32),
        dense_weights=np.zeros((0, 2), dtype=np.float32),
        bias=np.array([0.5, -0.5], dtype=np.float32),
    )
    pruned = model.pruned(0.005)
    assert pruned.vocabulary == {"w=attack": 0, "w=meet": 1}
    instances = [["w=attack", "w=the"], ["w=meet", "w=the"]]
    assert np.allclose(pruned.probabilities(instances), model.probabilities(instances), atol=1e-3)
    assert model.pruned(0.0) is model


def test_confidence_map_pools_equal_scores(train_events) -> None:  # type: ignore[no-untyped-def]
    # At score 1.0 three of four events are right: one block at 0.75, not a 1.0 for the hits.
    points = [(0.7, 0), (0.7, 1), (0.8, 0), (1.0, 0), (1.0, 1), (1.0, 1), (1.0, 1)]
    mapped = train_events.isotonic(points, min_block=1)
    assert mapped["y"][-1] == 0.75
    assert mapped["y"] == sorted(mapped["y"])  # never decreasing
    # 0.8 (a miss) sits below 0.7's one in two: the two pool into one in three.
    assert mapped["x"][:2] == [0.7, 0.8] and mapped["y"][:2] == [0.3333, 0.3333]


def test_a_rare_lowest_score_is_pooled_not_mapped_to_zero(train_events) -> None:  # type: ignore[no-untyped-def]
    # One wrong event alone at the lowest score, then twenty at 0.62 of which 12 are right.
    points = [(0.61, 0)] + [(0.62, int(n < 12)) for n in range(20)] + [(0.9, 1)] * 30
    mapped = train_events.isotonic(points, min_block=20)
    assert mapped["y"][0] == round(12 / 21, 4)  # pooled with its neighbours, not 0
    assert mapped["y"] == sorted(mapped["y"])
    assert train_events.isotonic(points, min_block=1)["y"][0] == 0.0  # what it was before


def test_the_hidden_layer_learns_what_no_single_feature_says(train_events, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # An attack is told by one of two words alone; both together, or neither, tell none (an
    # exclusive or): no weight per word can say that, a hidden layer can.
    rows = [["w=a"], ["w=b"], ["w=a", "w=b"], []] * 25
    labels = [1, 1, 0, 0] * 25
    dense = [np.zeros(2, dtype=np.float32)] * len(rows)
    data = train_events.Instances(rows, labels, dense, list(range(len(rows))))
    settings = {
        "size": 8, "min_count": 2, "epochs": 200, "learning_rate": 0.01, "dropout": 0.0,
        "batch": 16,
    }  # fmt: skip
    first = train_events.fit_hidden(data, ("NONE", "ASSAULT"), settings=settings, seed=3)
    second = train_events.fit_hidden(data, ("NONE", "ASSAULT"), settings=settings, seed=3)
    assert np.array_equal(first.weights, second.weights)  # seeded: the same weights
    zeros = np.zeros((3, 2), dtype=np.float32)
    probs = first.probabilities([["w=a"], ["w=b"], ["w=a", "w=b"]], zeros)
    assert probs[0, 1] > 0.8 and probs[1, 1] > 0.8 and probs[2, 1] < 0.2
    linear = train_events.fit(data, ("NONE", "ASSAULT"), l2=0.01, min_count=2, max_iter=200)
    linear_probs = linear.probabilities([["w=a"], ["w=a", "w=b"], []])[:, 1]
    assert not (linear_probs[0] > 0.5 > max(linear_probs[1], linear_probs[2]))
    first.save(tmp_path / "h.npz")
    loaded = HiddenModel.load(tmp_path / "h.npz")
    assert loaded.vocabulary == first.vocabulary
    instances = [["w=a"], ["w=a", "w=b", "w=unknown"], []]
    assert np.allclose(
        loaded.probabilities(instances, zeros), first.probabilities(instances, zeros), atol=1e-2
    )


def test_the_coder_averages_the_linear_and_the_hidden_readings() -> None:
    from eventscope.events.model.coder import load_event_model

    model = load_event_model()
    instances = [["l=attack", "p=VERB"], ["l=meet", "p=VERB"]]
    dense = np.zeros((2, model.trigger.dense_size), dtype=np.float32)
    both = model.trigger_probabilities(instances, dense)
    linear = model.trigger.probabilities(instances, dense)
    if model.trigger_hidden is None:
        assert np.array_equal(both, linear)
    else:
        members = model.trigger_hidden.members
        hidden = model.trigger_hidden.probabilities(instances, dense)
        assert np.allclose(both, (linear + members * hidden) / (members + 1))
        assert members == model.meta["config"]["hidden"].get("members", 1)


def _xor(train_events):  # type: ignore[no-untyped-def]
    rows = [["w=a"], ["w=b"], ["w=a", "w=b"], []] * 25
    labels = [1, 1, 0, 0] * 25
    dense = [np.full(2, n % 3, dtype=np.float32) for n in range(len(rows))]
    return train_events.Instances(rows, labels, dense, list(range(len(rows))))


XOR_SETTINGS = {
    "size": 4, "min_count": 2, "epochs": 20, "learning_rate": 0.01, "dropout": 0.2, "batch": 16,
}  # fmt: skip


def test_stacked_networks_average_their_members_and_survive_a_save(  # type: ignore[no-untyped-def]
    train_events, tmp_path: Path
) -> None:
    data = _xor(train_events)
    classes = ("NONE", "ASSAULT")
    one = train_events.fit_hidden(data, classes, settings=XOR_SETTINGS, seed=1)
    two = train_events.fit_hidden(data, classes, settings=XOR_SETTINGS, seed=2)
    assert not np.allclose(one.output, two.output)  # other seeds, other networks
    stacked = train_events.stack_members([one, two])
    assert (one.members, stacked.members) == (1, 2)
    assert train_events.stack_members([one]) is one
    instances = [["w=a"], ["w=a", "w=b"], ["w=b", "w=unknown"], []]
    dense = np.array([[0, 0], [1, 1], [2, 2], [0, 1]], dtype=np.float32)
    mean = (one.probabilities(instances, dense) + two.probabilities(instances, dense)) / 2
    assert np.allclose(stacked.probabilities(instances, dense), mean, atol=1e-6)
    stacked.save(tmp_path / "h.npz")
    loaded = HiddenModel.load(tmp_path / "h.npz")
    assert loaded.members == 2
    assert np.allclose(loaded.probabilities(instances, dense), mean, atol=1e-2)
    other = train_events.fit_hidden(
        train_events.Instances([["w=c"], ["w=d"]] * 5, [1, 0] * 5, [np.zeros(2)] * 10, [0] * 10),
        classes,
        settings=XOR_SETTINGS,
        seed=1,
    )
    with pytest.raises(ValueError, match="different features"):
        train_events.stack_members([one, other])


def test_fitting_in_two_processes_gives_the_same_models(train_events) -> None:  # type: ignore[no-untyped-def]
    types = ("NONE", *train_events.TYPES)
    rows = [[f"w={n % 7}", f"v={n % 5}"] for n in range(120)]
    dense = [np.full(3, n % 4, dtype=np.float32) for n in range(120)]
    groups = [n // 6 for n in range(120)]

    def part(classes, with_dense):  # type: ignore[no-untyped-def]
        labels = [n % 7 % len(classes) for n in range(120)]
        return train_events.Instances(rows, labels, dense if with_dense else None, groups)

    parts = {
        "trigger": part(types, True),
        "factuality": part(train_events.FACTUALITY, True),
        "roles": part(train_events.ROLES, False),
        "countries": part(("no", "yes"), False),
        "sectors": part(train_events.SECTORS, False),
    }
    config = {
        "model": {"seed": 5},
        "train": {
            **{f"{n}_l2": 1.0 for n in ("trigger", "factuality", "roles", "countries", "sectors")},
            "min_count": 2, "max_iter": 50, "workers": 1,
        },
        "hidden": {**XOR_SETTINGS, "min_count": 2, "members": 3},
    }  # fmt: skip
    alone = train_events.fit_all(parts, config)
    config["train"]["workers"] = 2
    side_by_side = train_events.fit_all(parts, config)
    assert alone.trigger_hidden is not None and side_by_side.trigger_hidden is not None
    assert alone.trigger_hidden.members == 3
    for name in ("trigger", "factuality", "roles", "countries", "sectors", "trigger_hidden"):
        first, second = getattr(alone, name), getattr(side_by_side, name)
        assert first.vocabulary == second.vocabulary, name
        assert np.array_equal(first.weights, second.weights), name
    assert np.array_equal(alone.trigger_hidden.output, side_by_side.trigger_hidden.output)
    config["hidden"]["size"] = 0
    assert train_events.fit_all(parts, config).trigger_hidden is None


@pytest.mark.slow
def test_the_standoff_codings_read_stop_at_the_batch_the_settings_name(train_events) -> None:  # type: ignore[no-untyped-def]
    config = tomllib.loads(train_events.CONFIG.read_text(encoding="utf-8"))
    data = {k: v for k, v in config["data"].items() if k != "standoff_until"}
    every = train_events.read_gold({**config, "data": data})
    through = train_events.read_gold({**config, "data": {**data, "standoff_until": "b90"}})
    late = {
        a["id"]
        for a in read_standoff(train_events.ROOT / data["standoff"])
        if a.get("primary", True) and int(a["coder"][1:]) > 90
    }
    assert late  # the rounds after b90 exist, and only they are left out
    assert {r["id"] for r in every} - {r["id"] for r in through} == late
