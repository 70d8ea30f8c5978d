from jupyter_lakehouse.services.version import compatible, version_info


def test_compatible_compares_major_minor():
    assert compatible("0.1.0", "0.1.7") is True
    assert compatible("0.1.0", "0.2.0") is False
    assert compatible("0.1.0", None) is None


def test_version_info_names_every_component():
    info = version_info("0.1.0")
    assert {"package", "spark", "mlflow", "java", "delta", "compatible"} <= info.keys()
