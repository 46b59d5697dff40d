using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Clap2Diffusion.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class QueueRoundsAndRunAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "Runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "Round",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_State_Round_Number",
                table: "Jobs",
                columns: new[] { "State", "Round", "Number" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_State_Round_Number",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Round",
                table: "Jobs");
        }
    }
}
