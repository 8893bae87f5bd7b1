"""Epochs as the DataLoader sees them: a pass over a loader during which the optimizer stepped is a training
epoch, and it ends when the loader is exhausted. The iterator is wrapped in a transparent proxy; batches, their
order and the loader's workers are untouched."""


class EpochIterator:
    __slots__ = ("_it", "_watcher", "_pass")

    def __init__(self, it, watcher, loader_pass):
        self._it = it
        self._watcher = watcher
        self._pass = loader_pass

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._it)
        except StopIteration:
            self._watcher.loader_exhausted(self._pass)
            raise

    def __len__(self):
        return len(self._it)

    def __getattr__(self, name):
        return getattr(self._it, name)


class LoaderPass:
    """One pass over a loader: its length, its dataset's size and the steps taken when it started."""

    __slots__ = ("batches", "samples", "start_step", "start_time", "done")

    def __init__(self, loader, start_step, start_time):
        self.batches = _length(loader)
        self.samples = _length(getattr(loader, "dataset", None))
        self.start_step = start_step
        self.start_time = start_time
        self.done = False


def _length(obj):
    try:
        return len(obj)
    except Exception:  # an IterableDataset has no length
        return 0


def install(loader_class, watcher):
    original = loader_class.__iter__

    def __iter__(self):
        it = original(self)
        return EpochIterator(it, watcher, watcher.loader_started(self))

    __iter__.__wrapped__ = original
    loader_class.__iter__ = __iter__
