using Workflows.Torch;
using static TorchSharp.torch;

namespace Workflows.Steps.Train.Preference;

/// <summary>Sums of the per-pair statistics TRL logs, turned into means under TRL's metric names
/// (<c>rewards/chosen</c>, <c>rewards/accuracies</c>, <c>logps/chosen</c>, …) so dashboards read them.</summary>
public sealed class PreferenceMetrics
{
    private double _chosenRewards, _rejectedRewards, _correct, _margins, _chosenLogps, _rejectedLogps, _kl, _nll;
    private int _chosen, _rejected, _pairs, _kls, _nlls;

    /// <summary>Adds a batch of pairs: rewards and policy log-probabilities (N each).</summary>
    public void AddPairs(Tensor chosenRewards, Tensor rejectedRewards, Tensor policyChosen, Tensor policyRejected)
    {
        var n = (int)chosenRewards.shape[0];
        _chosenRewards += chosenRewards.sum().item<float>();
        _rejectedRewards += rejectedRewards.sum().item<float>();
        _correct += chosenRewards.gt(rejectedRewards).to_type(ScalarType.Float32).sum().item<float>();
        _margins += (chosenRewards - rejectedRewards).sum().item<float>();
        _chosenLogps += policyChosen.detach().sum().item<float>();
        _rejectedLogps += policyRejected.detach().sum().item<float>();
        _chosen += n;
        _rejected += n;
        _pairs += n;
    }

    /// <summary>Adds a batch of KTO rows: rewards, labels and policy log-probabilities (N each), and the batch's KL estimate.</summary>
    public void AddKto(Tensor rewards, Tensor desirable, Tensor policy, Tensor kl)
    {
        var good = desirable.to_type(ScalarType.Float32);
        var bad = good.SubtractedFrom(Scalars.Of(1L));
        _chosenRewards += (rewards * good).sum().item<float>();
        _rejectedRewards += (rewards * bad).sum().item<float>();
        _chosenLogps += (policy.detach() * good).sum().item<float>();
        _rejectedLogps += (policy.detach() * bad).sum().item<float>();
        _chosen += (int)good.sum().item<float>();
        _rejected += (int)bad.sum().item<float>();
        _kl += kl.item<float>();
        _kls++;
    }

    /// <summary>Adds ORPO's NLL of the chosen answers for one batch.</summary>
    public void AddNll(Tensor nll)
    {
        _nll += nll.detach().item<float>();
        _nlls++;
    }

    /// <summary>Adds the sums and counts of <paramref name="other"/> (a data-parallel shard's pairs).</summary>
    public void Add(PreferenceMetrics other)
    {
        _chosenRewards += other._chosenRewards;
        _rejectedRewards += other._rejectedRewards;
        _correct += other._correct;
        _margins += other._margins;
        _chosenLogps += other._chosenLogps;
        _rejectedLogps += other._rejectedLogps;
        _kl += other._kl;
        _nll += other._nll;
        _chosen += other._chosen;
        _rejected += other._rejected;
        _pairs += other._pairs;
        _kls += other._kls;
        _nlls += other._nlls;
    }

    /// <summary>The means, each name prefixed by <paramref name="prefix"/> (TRL: <c>eval_</c> for validation).</summary>
    public Dictionary<string, double> ToDictionary(string prefix = "")
    {
        var metrics = new Dictionary<string, double>();
        void Add(string name, double sum, int count)
        {
            if (count > 0) metrics[prefix + name] = sum / count;
        }

        Add("rewards/chosen", _chosenRewards, _chosen);
        Add("rewards/rejected", _rejectedRewards, _rejected);
        Add("rewards/accuracies", _correct, _pairs);
        Add("rewards/margins", _margins, _pairs);
        Add("logps/chosen", _chosenLogps, _chosen);
        Add("logps/rejected", _rejectedLogps, _rejected);
        Add("kl", _kl, _kls);
        Add("nll_loss", _nll, _nlls);
        return metrics;
    }
}
