using System.Globalization;
using System.Text;
using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// Every vote of a study as RFC 4180 CSV, one row per vote, attention checks included and marked, with the
/// side the audio-conditioned image was on, so anyone can recompute the results. Each row also says how the vote
/// was obtained: whether its pair came from the public gallery, how many votes on its trial were refused as too
/// fast, and, repeated on every row so the file stands alone, the study's access mode and its refusal counts.
/// </summary>
public static class StudyCsv
{
    public static readonly string[] Columns =
    [
        "participant", "trial", "item", "attention_check", "relation", "prompt", "left", "right", "vote", "chose", "improved",
        "participant_failed_attention", "shown_at", "audio_played_at", "voted_at", "from_gallery", "too_fast_votes_refused",
        "access_mode", "study_duplicate_sessions_refused", "study_too_fast_votes_refused", "study_gallery_pairs",
    ];

    public static string Write(IReadOnlyList<StudyVoteRow> votes, StudyConduct conduct)
    {
        var failed = votes.Where(v => v.IsAttentionCheck && !v.ChoseTarget).Select(v => v.ParticipantId).ToHashSet();
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var vote in votes.OrderBy(v => v.ParticipantId).ThenBy(v => v.Order))
        {
            var (target, other) = vote.IsAttentionCheck ? ("intact", "blank") : ("audio-conditioned", "text-only");
            var fields = new[]
            {
                vote.ParticipantId.ToString("N"),
                vote.Order.ToString(CultureInfo.InvariantCulture),
                vote.ItemId.ToString("N"),
                vote.IsAttentionCheck ? "1" : "0",
                vote.Relation?.Name() ?? "",
                vote.Prompt,
                vote.TargetOnLeft ? target : other,
                vote.TargetOnLeft ? other : target,
                Name(vote.Choice),
                vote.ChoseTarget ? target : vote.ChoseOther ? other : "none",
                vote.IsAttentionCheck ? "" : vote.ChoseTarget ? "1" : "0",
                failed.Contains(vote.ParticipantId) ? "1" : "0",
                Time(vote.ShownAt),
                Time(vote.AudioPlayedAt),
                Time(vote.VotedAt),
                vote.FromGallery ? "1" : "0",
                Number(vote.TooFastVotes),
                conduct.Access.ToString().ToLowerInvariant(),
                Number(conduct.DuplicateSessionsRefused),
                Number(conduct.TooFastVotesRefused),
                Number(conduct.GalleryPairs),
            };
            csv.Append(string.Join(',', fields.Select(Quote))).Append("\r\n");
        }

        return csv.ToString();
    }

    public static string Name(StudyChoice choice) => choice switch
    {
        StudyChoice.Left => "left",
        StudyChoice.Right => "right",
        StudyChoice.Tie => "tie",
        _ => "both_bad",
    };

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTime? value) =>
        value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) : "";

    // Fields that a spreadsheet would run as a formula get a leading apostrophe (CSV injection).
    private static string Quote(string field)
    {
        if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            field = "'" + field;
        return field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
    }
}
