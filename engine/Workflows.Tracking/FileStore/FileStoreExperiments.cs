using System.Globalization;

namespace Workflows.Tracking.FileStore;

/// <summary>Finds or creates experiments by name. New ids are the next free number, claimed by renaming a
/// fully written temp folder into place, so two processes creating experiments never share an id and
/// MLflow never sees an experiment without its meta.yaml.</summary>
internal sealed class FileStoreExperiments(FileStoreLayout layout, TimeProvider timeProvider)
{
    public const string DefaultExperimentName = "Default";

    public string? Find(string name) =>
        layout.ExperimentIds()
            .Select(id => (id, meta: MetaYaml.Read(layout.ExperimentMeta(id))))
            .Where(entry => entry.meta.GetValueOrDefault("name") == name
                && entry.meta.GetValueOrDefault("lifecycle_stage") != "deleted")
            .Select(entry => entry.id)
            .OrderBy(id => long.Parse(id, CultureInfo.InvariantCulture))
            .FirstOrDefault();

    public string GetOrCreate(string name)
    {
        EnsureStore();
        if (Find(name) is { } existing)
        {
            return existing;
        }

        var next = layout.ExperimentIds().Select(id => long.Parse(id, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() + 1;
        for (var attempt = 0; ; attempt++, next++)
        {
            if (TryCreate(next.ToString(CultureInfo.InvariantCulture), name))
            {
                return next.ToString(CultureInfo.InvariantCulture);
            }

            if (Find(name) is { } raced)
            {
                return raced;
            }

            if (attempt > 100)
            {
                throw new IOException($"could not claim an experiment id under {layout.Root}");
            }
        }
    }

    /// <summary>MLflow creates experiment 0 "Default" and <c>.trash</c> when it opens an empty store, and its
    /// UI expects them, so a store we start gets them too.</summary>
    private void EnsureStore()
    {
        Directory.CreateDirectory(Path.Combine(layout.Root, ".trash"));
        if (!Directory.Exists(layout.Experiment("0")))
        {
            TryCreate("0", DefaultExperimentName);
        }
    }

    private bool TryCreate(string id, string name)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var temp = Path.Combine(layout.Root, $".new-experiment-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(temp, "tags"));
        File.WriteAllText(Path.Combine(temp, "meta.yaml"), MetaYaml.Write(new Dictionary<string, object?>
        {
            ["artifact_location"] = FileStoreLayout.FileUri(layout.Experiment(id)),
            ["creation_time"] = now,
            ["experiment_id"] = id,
            ["last_update_time"] = now,
            ["lifecycle_stage"] = "active",
            ["name"] = name,
        }));
        try
        {
            Directory.Move(temp, layout.Experiment(id));
            return true;
        }
        catch (IOException)
        {
            Directory.Delete(temp, recursive: true);
            return false;
        }
    }
}
