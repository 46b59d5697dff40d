using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class SchedulerConfigTests
{
    public static TheoryData<string> FixtureNames() => new(SchedulerFixture.Names);

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Every_fixture_config_loads_and_rebuilds_its_scheduler(string name)
    {
        var config = SchedulerConfig.Read(SchedulerFixture.PathOf(name + ".json"));
        using var fromFile = SchedulerFactory.FromConfig(config);
        using var fromFactory = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());

        Assert.Equal(config.ClassName, fromFile.Name);
        Assert.Equal(fromFactory.Name, fromFile.Name);
        fromFile.SetTimesteps(20);
        using var expected = SchedulerFixture.Load(name, "timesteps.20");
        TensorAssert.Close(fromFile.Timesteps, expected, atol: 0);
    }

    [Fact]
    public void Bare_negative_infinity_written_by_python_is_read()
    {
        var config = SchedulerConfig.Read(SchedulerFixture.PathOf("dpmpp_2m.json"));

        Assert.Equal(double.NegativeInfinity, config.LambdaMinClipped);
        Assert.Equal("dpmsolver++", config.AlgorithmType);
        Assert.Equal("zero", config.FinalSigmasType);
        Assert.Null(config.VarianceType);
        Assert.True(config.SkipPrkSteps);
    }

    [Fact]
    public void Absent_class_dependent_keys_stay_null_and_unknown_keys_are_ignored()
    {
        var config = SchedulerConfig.Parse(
            """{"_class_name": "PNDMScheduler", "beta_schedule": "scaled_linear", "some_future_key": {"x": [1, NaN]}, "steps_offset": 1}""",
            "test");

        Assert.Null(config.TimestepSpacing);
        Assert.Null(config.SetAlphaToOne);
        Assert.Null(config.ClipSample);
        Assert.Equal(1000, config.NumTrainTimesteps);
        Assert.Equal(0.0001, config.BetaStart);
        Assert.Equal(1, config.StepsOffset);
    }

    [Fact]
    public void Unknown_beta_schedule_is_a_clear_input_error()
    {
        var error = Assert.Throws<InputException>(() => new DDIMScheduler(new SchedulerConfig { BetaSchedule = "cosine" }));

        Assert.Contains("beta_schedule 'cosine'", error.Message);
        Assert.Contains("linear, scaled_linear, squaredcos_cap_v2", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1_000_000_000)]
    public void Out_of_range_num_train_timesteps_is_refused_before_allocating(int trainTimesteps)
    {
        var error = Assert.Throws<InputException>(() => new EulerDiscreteScheduler(new SchedulerConfig { NumTrainTimesteps = trainTimesteps }));

        Assert.Contains("num_train_timesteps", error.Message);
    }

    [Fact]
    public void Betas_outside_zero_one_are_refused()
    {
        Assert.Throws<InputException>(() => new DDIMScheduler(new SchedulerConfig { BetaEnd = 1.5 }));
        Assert.Throws<InputException>(() => new DDIMScheduler(new SchedulerConfig { BetaStart = double.NaN }));
        Assert.Throws<InputException>(() => new DDIMScheduler(new SchedulerConfig { NumTrainTimesteps = 3, TrainedBetas = [0.1, 1.0, 0.2] }));
    }

    [Fact]
    public void Trained_betas_must_cover_every_training_step_and_replace_the_schedule()
    {
        var error = Assert.Throws<InputException>(() => new DDIMScheduler(new SchedulerConfig { NumTrainTimesteps = 4, TrainedBetas = [0.1, 0.2] }));
        Assert.Contains("trained_betas", error.Message);

        using var scheduler = new DDIMScheduler(new SchedulerConfig { NumTrainTimesteps = 3, TrainedBetas = [0.1, 0.2, 0.5] });
        var alphas_cumprod = scheduler.AlphasCumprod.data<float>().ToArray();
        Assert.Equal([0.9, 0.72, 0.36], alphas_cumprod.Select(a => Math.Round(a, 6)));
    }

    [Theory]
    [InlineData("timestep_spacing", """{"timestep_spacing": "uniform"}""")]
    [InlineData("prediction_type", """{"prediction_type": "noise"}""")]
    public void Unsupported_choices_name_the_key_and_the_valid_values(string key, string json)
    {
        var config = SchedulerConfig.Parse(json, "test");

        foreach (var name in SchedulerFactory.Names)
        {
            var error = Assert.Throws<InputException>(() => SchedulerFactory.Create(name, config).Dispose());
            Assert.Contains(key, error.Message);
            Assert.Contains("choose one of", error.Message);
        }
    }

    [Fact]
    public void Log_linear_euler_interpolation_is_not_ported()
    {
        var error = Assert.Throws<InputException>(() => new EulerDiscreteScheduler(new SchedulerConfig { InterpolationType = "log_linear" }));

        Assert.Contains("interpolation_type", error.Message);
    }

    [Fact]
    public void A_config_value_of_the_wrong_json_type_is_an_input_error()
    {
        Assert.Throws<InputException>(() => SchedulerConfig.Parse("""{"num_train_timesteps": "many"}""", "scheduler_config.json"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Inference_steps_outside_one_to_num_train_timesteps_are_refused(int steps)
    {
        foreach (var name in SchedulerFactory.Names)
        {
            using var scheduler = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());
            var error = Assert.Throws<InputException>(() => scheduler.SetTimesteps(steps));
            Assert.Contains("num_inference_steps", error.Message);
        }
    }

    [Fact]
    public void Cosine_schedule_and_zero_terminal_snr_rescale_build()
    {
        using var cosine = new DDIMScheduler(new SchedulerConfig { BetaSchedule = "squaredcos_cap_v2" });
        var betas = cosine.Betas.data<float>().ToArray();
        Assert.True(betas.All(beta => beta > 0 && beta <= 0.999f));
        Assert.Equal(0.999f, betas[^1]);

        using var rescaled = new DDIMScheduler(SchedulerFixture.Sd15Config() with { RescaleBetasZeroSnr = true });
        using var plain = new DDIMScheduler(SchedulerFixture.Sd15Config());
        var alphas_cumprod = rescaled.AlphasCumprod.data<float>().ToArray();
        Assert.Equal(0f, alphas_cumprod[^1], 6);
        Assert.Equal(plain.AlphasCumprod[0].item<float>(), alphas_cumprod[0], 6);

        // Euler keeps σ finite at the last step by substituting ᾱ = 2⁻²⁴ there.
        using var euler = new EulerDiscreteScheduler(SchedulerFixture.Sd15Config() with { RescaleBetasZeroSnr = true });
        Assert.Equal(Math.Pow(2, -24), euler.AlphasCumprod[999].item<float>(), 12);
        Assert.Equal(Math.Sqrt((1 - Math.Pow(2, -24)) / Math.Pow(2, -24)), euler.InitNoiseSigma, 0);
    }
}
