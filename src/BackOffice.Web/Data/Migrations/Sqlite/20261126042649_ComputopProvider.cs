using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ComputopProvider : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProviderMerchantId",
                table: "Transactions",
                type: "TEXT",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProviderOrderId",
                table: "Transactions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProviderReference",
                table: "Operations",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RequestId",
                table: "Operations",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Sends",
                table: "Operations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateTable(
                name: "ComputopNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    PayId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    XId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TransId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComputopNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ComputopNotifications_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ComputopServices",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    MerchantId = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    ProtectedHmacKey = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ProtectedBlowfishPassword = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    UseLive = table.Column<bool>(type: "INTEGER", nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastInitialization_At = table.Column<long>(type: "INTEGER", nullable: true),
                    LastInitialization_By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    LastInitialization_Live = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastInitialization_MerchantId = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    LastInitialization_Succeeded = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastInitialization_Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComputopServices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ComputopServices_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ComputopNotifications_ChannelId",
                table: "ComputopNotifications",
                column: "ChannelId");

            migrationBuilder.CreateIndex(
                name: "IX_ComputopNotifications_PayId_XId_Status_Code",
                table: "ComputopNotifications",
                columns: new[] { "PayId", "XId", "Status", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ComputopServices_ChannelId",
                table: "ComputopServices",
                column: "ChannelId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ComputopNotifications");

            migrationBuilder.DropTable(
                name: "ComputopServices");

            // SQLite's own DROP COLUMN: EF's table rebuild would drop the text index's triggers on Transactions.
            migrationBuilder.Sql("ALTER TABLE Transactions DROP COLUMN ProviderMerchantId;");
            migrationBuilder.Sql("ALTER TABLE Transactions DROP COLUMN ProviderOrderId;");

            migrationBuilder.DropColumn(
                name: "ProviderReference",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "Sends",
                table: "Operations");
        }
    }
}
