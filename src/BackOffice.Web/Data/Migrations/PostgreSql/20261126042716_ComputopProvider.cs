using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
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
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProviderOrderId",
                table: "Transactions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProviderReference",
                table: "Operations",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RequestId",
                table: "Operations",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Sends",
                table: "Operations",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateTable(
                name: "ComputopNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    PayId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    XId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TransId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    MerchantId = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    ProtectedHmacKey = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ProtectedBlowfishPassword = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    UseLive = table.Column<bool>(type: "boolean", nullable: false),
                    BaseUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastInitialization_At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastInitialization_By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LastInitialization_Live = table.Column<bool>(type: "boolean", nullable: true),
                    LastInitialization_MerchantId = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    LastInitialization_Succeeded = table.Column<bool>(type: "boolean", nullable: true),
                    LastInitialization_Message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
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

            migrationBuilder.DropColumn(
                name: "ProviderMerchantId",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "ProviderOrderId",
                table: "Transactions");

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
