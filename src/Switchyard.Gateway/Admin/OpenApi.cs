namespace Switchyard.Gateway.Admin;

/// <summary>The admin API's OpenAPI 3.1 document, served at <c>/admin/openapi.json</c>.</summary>
internal static class OpenApi
{
    public const string Document = """
        {
          "openapi": "3.1.0",
          "info": { "title": "Switchyard admin API", "version": "1", "description": "Keys, the request log, costs and routes. Every call needs a key with a role (admin writes; operator and auditor read) or SWITCHYARD_ADMIN_KEY; a client key reads its own team's log and costs. Errors use OpenAI's shape." },
          "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" }, "apiKey": { "type": "apiKey", "in": "header", "name": "x-api-key" } },
            "schemas": {
              "Model": { "type": "object", "properties": { "id": { "type": "string" }, "name": { "type": "string" }, "status": { "type": "string", "enum": ["proposed", "scanned", "approved", "rejected", "deprecated", "revoked"] }, "license": { "type": ["string", "null"] }, "license_name": { "type": ["string", "null"] }, "source": { "type": ["string", "null"] }, "revision": { "type": ["string", "null"] }, "family": { "type": ["string", "null"] }, "parameters": { "type": "integer" }, "scan": { "type": ["string", "null"], "enum": ["clean", "findings", "error", null] }, "license_signed_by": { "type": ["string", "null"] }, "security_signed_by": { "type": ["string", "null"] }, "files": { "type": "integer" } } },
              "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["message", "type", "code"], "properties": { "message": { "type": "string" }, "type": { "type": "string" }, "param": { "type": ["string", "null"] }, "code": { "type": "string" } } } } },
              "Key": { "type": "object", "required": ["id", "team", "routes", "active", "created"], "properties": { "id": { "type": "string", "pattern": "^sy_[a-z2-7]{10}$" }, "team": { "type": "string" }, "name": { "type": ["string", "null"] }, "role": { "type": ["string", "null"], "enum": ["admin", "operator", "auditor", "legal", "security", null] }, "routes": { "type": "array", "items": { "type": "string" } }, "active": { "type": "boolean" }, "created": { "type": "string", "format": "date-time" } } },
              "NewKey": { "type": "object", "required": ["team"], "properties": { "team": { "type": "string", "minLength": 1, "maxLength": 100 }, "name": { "type": "string" }, "role": { "type": "string", "enum": ["admin", "operator", "auditor", "legal", "security"] }, "routes": { "type": "array", "items": { "type": "string" } }, "rpm": { "type": "integer", "minimum": 1 }, "tpm": { "type": "integer", "minimum": 1 }, "max_concurrency": { "type": "integer", "minimum": 1 }, "confidential": { "type": "boolean" } } },
              "CreatedKey": { "type": "object", "required": ["key", "record"], "properties": { "key": { "type": "string", "description": "Shown once." }, "note": { "type": "string" }, "record": { "$ref": "#/components/schemas/Key" } } },
              "LogEntry": { "type": "object", "properties": { "timestamp": { "type": "string", "format": "date-time" }, "request_id": { "type": "string" }, "route": { "type": ["string", "null"] }, "deployment": { "type": ["string", "null"] }, "status": { "type": "integer" }, "latency_ms": { "type": "number" }, "key_id": { "type": ["string", "null"] }, "team": { "type": ["string", "null"] }, "cost_usd": { "type": "number" } } },
              "CostRow": { "type": "object", "properties": { "team": { "type": "string" }, "route": { "type": "string" }, "requests": { "type": "integer" }, "spent_usd": { "type": "number" }, "baseline_cost_usd": { "type": "number" }, "saved_usd": { "type": "number" } } },
              "Route": { "type": "object", "properties": { "name": { "type": "string" }, "tiers": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "deployments": { "type": "array", "items": { "type": "string" } } } } } } }
            },
            "responses": {
              "Unauthorized": { "description": "No key, or an incorrect, revoked or expired one.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
              "Forbidden": { "description": "The key's role may not do this.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
          },
          "security": [{ "bearer": [] }, { "apiKey": [] }],
          "paths": {
            "/admin/keys": {
              "get": { "summary": "List keys (ids, never the keys); a client key sees its team's.", "parameters": [{ "name": "team", "in": "query", "schema": { "type": "string" } }], "responses": { "200": { "description": "Keys, newest first.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Key" } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" }, "403": { "$ref": "#/components/responses/Forbidden" } } },
              "post": { "summary": "Create a key (admin). The key is in the answer, once.", "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewKey" } } } }, "responses": { "201": { "description": "Created.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CreatedKey" } } } }, "400": { "description": "Invalid body.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }, "401": { "$ref": "#/components/responses/Unauthorized" }, "403": { "$ref": "#/components/responses/Forbidden" } } }
            },
            "/admin/keys/{id}": {
              "delete": { "summary": "Revoke a key (admin); every gateway on the database refuses it within a second.", "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }], "responses": { "204": { "description": "Revoked." }, "401": { "$ref": "#/components/responses/Unauthorized" }, "403": { "$ref": "#/components/responses/Forbidden" }, "404": { "description": "No such active key.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } } }
            },
            "/admin/logs": {
              "get": { "summary": "Recent requests, newest first; a client key sees its team's.", "parameters": [{ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } }, { "name": "route", "in": "query", "schema": { "type": "string" } }, { "name": "team", "in": "query", "schema": { "type": "string" } }], "responses": { "200": { "description": "Entries.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/LogEntry" } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" } } }
            },
            "/admin/costs": {
              "get": { "summary": "Spend, all-frontier counterfactual and savings by team and route; a client key sees its team's.", "parameters": [{ "name": "days", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 366 } }, { "name": "team", "in": "query", "schema": { "type": "string" } }], "responses": { "200": { "description": "Rows.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/CostRow" } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" } } }
            },
            "/admin/audit": {
              "get": { "summary": "The audit trail, oldest first, each entry with whether its hash still chains (admin, operator, auditor).", "responses": { "200": { "description": "Entries.", "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object", "properties": { "seq": { "type": "integer" }, "at": { "type": "string", "format": "date-time" }, "actor": { "type": "string" }, "action": { "type": "string" }, "target": { "type": ["string", "null"] }, "detail": { "type": ["string", "null"] }, "intact": { "type": "boolean" } } } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" }, "403": { "$ref": "#/components/responses/Forbidden" } } }
            },
            "/admin/teams": {
              "get": { "summary": "Teams (from the configuration and the keys), their limits, budgets and active keys; a client key sees its own.", "responses": { "200": { "description": "Teams.", "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "active_keys": { "type": "integer" }, "rpm": { "type": ["integer", "null"] }, "tpm": { "type": ["integer", "null"] }, "max_concurrency": { "type": ["integer", "null"] }, "budgets": { "type": "array", "items": { "type": "string" } } } } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" } } }
            },
            "/admin/routes": {
              "get": { "summary": "The routes and their tiers (read-only).", "responses": { "200": { "description": "Routes.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Route" } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" } } }
            },
            "/admin/models": {
              "get": { "summary": "The model registry: every model with its status, licence, source, scan and sign-offs (admin, operator, auditor, legal, security).", "responses": { "200": { "description": "Models.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Model" } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" }, "403": { "$ref": "#/components/responses/Forbidden" } } }
            },
            "/admin/models/{id}": {
              "get": { "summary": "One model: files and hashes, the licence verdict for its base chain against registry.organisation (clauses, obligations, explanation), and every decision.", "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }], "responses": { "200": { "description": "The model, its verdict and decisions.", "content": { "application/json": { "schema": { "type": "object", "properties": { "model": { "$ref": "#/components/schemas/Model" }, "license_verdict": { "type": "object", "properties": { "outcome": { "type": "string", "enum": ["Allowed", "Needs review", "Forbidden"] }, "clauses": { "type": "array", "items": { "type": "object" } }, "obligations": { "type": "array", "items": { "type": "object" } }, "explanation": { "type": "array", "items": { "type": "string" } } } }, "decisions": { "type": "array", "items": { "type": "object" } } } } } } }, "401": { "$ref": "#/components/responses/Unauthorized" }, "403": { "$ref": "#/components/responses/Forbidden" }, "404": { "description": "No such model." } } }
            },
            "/admin/models/{id}/{action}": {
              "post": { "summary": "A decision: approve (a legal key signs the licence, a security key the scan; both approve), reject (legal, security), deprecate or revoke (admin, legal, security). Revoked models leave routing within a second.", "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }, { "name": "action", "in": "path", "required": true, "schema": { "type": "string", "enum": ["approve", "reject", "deprecate", "revoke"] } }], "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "reason": { "type": "string" }, "accept_findings": { "type": "boolean" } } } } } }, "responses": { "200": { "description": "The model after the decision.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Model" } } } }, "401": { "$ref": "#/components/responses/Unauthorized" }, "403": { "$ref": "#/components/responses/Forbidden" }, "404": { "description": "No such model or action." }, "409": { "description": "The workflow or the policy refuses the decision; the message says why and what to do." } } }
            },
            "/admin/openapi.json": { "get": { "summary": "This document.", "security": [], "responses": { "200": { "description": "OpenAPI 3.1." } } } }
          }
        }
        """;
}
