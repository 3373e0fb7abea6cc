// Package ecs checks Amazon ECS task definitions before they are
// registered, in every form they are written: the RegisterTaskDefinition
// input (also CodeDeploy's taskdef.json), the describe-task-definition
// output ({"taskDefinition": {…}}) and AWS::ECS::TaskDefinition resources of
// CloudFormation templates in JSON or YAML (PascalCase properties, short-form
// intrinsics). Checks have IDs ECSxxx.
package ecs
