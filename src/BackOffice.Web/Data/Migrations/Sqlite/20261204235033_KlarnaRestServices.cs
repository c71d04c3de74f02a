using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KlarnaRestServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KlarnaRestServices",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Username = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ProtectedPassword = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Region = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    UseLive = table.Column<bool>(type: "INTEGER", nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastInitialization_At = table.Column<long>(type: "INTEGER", nullable: true),
                    LastInitialization_By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    LastInitialization_Live = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastInitialization_Region = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    LastInitialization_Username = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastInitialization_Succeeded = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastInitialization_Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KlarnaRestServices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KlarnaRestServices_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaRestServices_ChannelId",
                table: "KlarnaRestServices",
                column: "ChannelId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KlarnaRestServices");
        }
    }
}
