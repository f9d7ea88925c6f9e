import math

from autograd import AnomalyError, Value, detect_anomaly

x, y = Value(2.0, label="x"), Value(3.0, label="y")
print("without:", (x - y).sqrt().data)  # IEEE 754: nan, silently

with detect_anomaly():
    gap = x - y
    try:
        loss = gap.sqrt() * 2.0
    except AnomalyError as error:
        print("AnomalyError:", error)

    z = Value(0.0, label="z")
    r = z.sqrt()  # finite (0.0), but its derivative at 0 is not
    try:
        r.backward()
    except AnomalyError as error:
        print("AnomalyError:", error)

    w = Value(1.0, label="w")
    w.register_hook(lambda g: math.nan)  # a broken hook is named too
    try:
        (w * 3.0).backward()
    except AnomalyError as error:
        print("AnomalyError:", error)
