using Workflows.Steps.Train.Preference;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train.Preference;

/// <summary>Each loss against values worked out by hand (Python's math module) from TRL's formulas.</summary>
[TestFixture]
public sealed class PreferenceLossTests
{
    private static Tensor T(params float[] values) => tensor(values);

    private static double At(Tensor t, int i = 0) => t[i].item<float>();

    [Test]
    public void Dpo_Sigmoid_IsMinusLogSigmoidOfBetaTimesMargin()
    {
        // margin = (-10 - -12) - (-11 - -11) = 2; β·margin = 0.2; −log σ(0.2) = 0.5981388693815918
        var (losses, chosen, rejected) = PreferenceLoss.Dpo(T(-10), T(-12), T(-11), T(-11), new PreferenceOptions { Beta = 0.1 });
        Assert.That(At(losses), Is.EqualTo(0.5981388693815918).Within(1e-6));
        Assert.That(At(chosen), Is.EqualTo(0.1).Within(1e-6));
        Assert.That(At(rejected), Is.EqualTo(-0.1).Within(1e-6));
    }

    [Test]
    public void Dpo_LabelSmoothing_MixesTheFlippedLabel()
    {
        // 0.9 · −log σ(0.2) + 0.1 · −log σ(−0.2) = 0.6181388693815918
        var (losses, _, _) = PreferenceLoss.Dpo(T(-10), T(-12), T(-11), T(-11), new PreferenceOptions { Beta = 0.1, LabelSmoothing = 0.1 });
        Assert.That(At(losses), Is.EqualTo(0.6181388693815918).Within(1e-6));
    }

    [Test]
    public void Dpo_Ipo_IsSquaredDistanceFromHalfInverseBeta()
    {
        // (2 − 1/(2·0.1))² = 9
        var (losses, _, _) = PreferenceLoss.Dpo(T(-10), T(-12), T(-11), T(-11), new PreferenceOptions { Beta = 0.1, Loss = DpoLossType.Ipo });
        Assert.That(At(losses), Is.EqualTo(9.0).Within(1e-5));
    }

    [Test]
    public void Dpo_LargerBeta_ScalesRewards()
    {
        var (_, chosen, rejected) = PreferenceLoss.Dpo(T(-10), T(-12), T(-11), T(-11), new PreferenceOptions { Beta = 0.5 });
        Assert.That(At(chosen) - At(rejected), Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void Simpo_AveragedLogps_SubtractsGammaOverBeta()
    {
        // β = 2, γ = 0.5: margin = (−1 − −1.5) − 0.25 = 0.25; −log σ(0.5) = 0.4740769841801067; rewards β·avg
        var (losses, chosen, rejected) = PreferenceLoss.Simpo(T(-1.0f), T(-1.5f), new PreferenceOptions { Beta = 2, SimpoGamma = 0.5 });
        Assert.That(At(losses), Is.EqualTo(0.4740769841801067).Within(1e-6));
        Assert.That(At(chosen), Is.EqualTo(-2.0).Within(1e-6));
        Assert.That(At(rejected), Is.EqualTo(-3.0).Within(1e-6));
    }

    [Test]
    public void Orpo_LogOdds_IsMinusBetaLogSigmoid()
    {
        // log odds = 0.5 − (log(1 − e^−0.5) − log(1 − e^−1)); −0.1 · log σ(log odds) = 0.03202997852375365
        var (losses, _, _) = PreferenceLoss.Orpo(T(-0.5f), T(-1.0f), new PreferenceOptions { Beta = 0.1 });
        Assert.That(At(losses), Is.EqualTo(0.03202997852375365).Within(1e-6));
    }

    [Test]
    public void KtoKl_MismatchedPairs_IsClampedMeanOfRatios()
    {
        Assert.That(PreferenceLoss.KtoKl(T(-7, -8), T(-7.5f, -8.2f)).item<float>(), Is.EqualTo(0.35).Within(1e-6));
        Assert.That(PreferenceLoss.KtoKl(T(-9, -9), T(-7, -8)).item<float>(), Is.EqualTo(0.0));
    }

    [Test]
    public void Kto_DesirableAndUndesirable_UseKlOnOppositeSides()
    {
        // KL 0.35, β 0.1: desirable r = 0.5 → 1 − σ(0.015) = 0.49625007031091806;
        // undesirable r = −1 → 1 − σ(0.135) = 0.46630116456709914
        var (losses, rewards) = PreferenceLoss.Kto(T(-5, -6), T(-5.5f, -5), tensor(new[] { true, false }), tensor(0.35f), new PreferenceOptions { Beta = 0.1 });
        Assert.That(At(losses, 0), Is.EqualTo(0.49625007031091806).Within(1e-6));
        Assert.That(At(losses, 1), Is.EqualTo(0.46630116456709914).Within(1e-6));
        Assert.That(At(rewards, 1), Is.EqualTo(-0.1).Within(1e-6));
    }

    [Test]
    public void Kto_UndesirableWeight_ScalesOnlyUndesirableRows()
    {
        var (losses, _) = PreferenceLoss.Kto(T(-5, -6), T(-5.5f, -5), tensor(new[] { true, false }), tensor(0.35f),
            new PreferenceOptions { Beta = 0.1, UndesirableWeight = 2 });
        Assert.That(At(losses, 0), Is.EqualTo(0.49625007031091806).Within(1e-6));
        Assert.That(At(losses, 1), Is.EqualTo(2 * 0.46630116456709914).Within(1e-6));
    }
}
