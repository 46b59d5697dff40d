using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Clap2Diffusion.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StudyAccessAndBlinding : Migration
    {
        // Studies made before access modes were the open link; their defaults say so (an empty Access would not
        // read back as a StudyAccess). Their items keep AudioSeconds 0, so their votes are not held to a clip length.
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "TooFastVotes",
                table: "Trials",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "AudioSeconds",
                table: "StudyItems",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<bool>(
                name: "FromGallery",
                table: "StudyItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Access",
                table: "Studies",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Open");

            migrationBuilder.AddColumn<string>(
                name: "CompletionCode",
                table: "Studies",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompletionUrl",
                table: "Studies",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ListeningToleranceSeconds",
                table: "Studies",
                type: "REAL",
                nullable: false,
                defaultValue: 0.5);

            migrationBuilder.AddColumn<string>(
                name: "PanelIdParameter",
                table: "Studies",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "PROLIFIC_PID");

            migrationBuilder.AddColumn<Guid>(
                name: "InvitationId",
                table: "Participants",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PanelId",
                table: "Participants",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Invitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Invitations_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RefusedSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    RefusedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RefusedSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RefusedSessions_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Participants_InvitationId",
                table: "Participants",
                column: "InvitationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Participants_StudyId_PanelId",
                table: "Participants",
                columns: new[] { "StudyId", "PanelId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_StudyId",
                table: "Invitations",
                column: "StudyId");

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_Token",
                table: "Invitations",
                column: "Token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RefusedSessions_StudyId_ClientId",
                table: "RefusedSessions",
                columns: new[] { "StudyId", "ClientId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Invitations");

            migrationBuilder.DropTable(
                name: "RefusedSessions");

            migrationBuilder.DropIndex(
                name: "IX_Participants_InvitationId",
                table: "Participants");

            migrationBuilder.DropIndex(
                name: "IX_Participants_StudyId_PanelId",
                table: "Participants");

            migrationBuilder.DropColumn(
                name: "TooFastVotes",
                table: "Trials");

            migrationBuilder.DropColumn(
                name: "AudioSeconds",
                table: "StudyItems");

            migrationBuilder.DropColumn(
                name: "FromGallery",
                table: "StudyItems");

            migrationBuilder.DropColumn(
                name: "Access",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "CompletionCode",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "CompletionUrl",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "ListeningToleranceSeconds",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "PanelIdParameter",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "InvitationId",
                table: "Participants");

            migrationBuilder.DropColumn(
                name: "PanelId",
                table: "Participants");
        }
    }
}
