using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ECommPayServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ECommPayServices",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: true),
                    ProtectedSecretKey = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    UseLive = table.Column<bool>(type: "INTEGER", nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PaymentPageUrl = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LastInitialization_At = table.Column<long>(type: "INTEGER", nullable: true),
                    LastInitialization_By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    LastInitialization_Live = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastInitialization_ProjectId = table.Column<long>(type: "INTEGER", nullable: true),
                    LastInitialization_Succeeded = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastInitialization_Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ECommPayServices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ECommPayServices_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ECommPayServices_ChannelId",
                table: "ECommPayServices",
                column: "ChannelId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ECommPayServices");
        }
    }
}
