package asl

// fieldSet is a set of field names.
type fieldSet map[string]bool

func fields(names ...string) fieldSet {
	s := fieldSet{}
	for _, n := range names {
		s[n] = true
	}
	return s
}

// Fields every state may have, in either query language.
var commonFields = fields("Type", "Comment", "QueryLanguage")

// stateFields lists the fields each state type allows in JSONPath and in JSONata.
var stateFields = map[string][2]fieldSet{
	TypePass: {
		fields("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign"),
		fields("Next", "End", "Output", "Assign"),
	},
	TypeTask: {
		fields("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
			"Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
			"HeartbeatSecondsPath", "Credentials", "Assign"),
		fields("Next", "End", "Arguments", "Output", "Retry", "Catch", "Resource", "TimeoutSeconds",
			"HeartbeatSeconds", "Credentials", "Assign"),
	},
	TypeChoice: {
		fields("InputPath", "OutputPath", "Choices", "Default", "Assign"),
		fields("Output", "Choices", "Default", "Assign"),
	},
	TypeWait: {
		fields("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp",
			"TimestampPath", "Assign"),
		fields("Next", "End", "Output", "Seconds", "Timestamp", "Assign"),
	},
	TypeSucceed: {
		fields("InputPath", "OutputPath"),
		fields("Output"),
	},
	TypeFail: {
		fields("Error", "ErrorPath", "Cause", "CausePath"),
		fields("Error", "Cause"),
	},
	TypeParallel: {
		fields("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
			"Retry", "Catch", "Branches", "Assign"),
		fields("Next", "End", "Arguments", "Output", "Retry", "Catch", "Branches", "Assign"),
	},
	TypeMap: {
		fields("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
			"Retry", "Catch", "ItemsPath", "ItemProcessor", "Iterator", "ItemSelector", "ItemReader",
			"ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath",
			"ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage",
			"ToleratedFailurePercentagePath", "Label", "Assign"),
		fields("Next", "End", "Arguments", "Output", "Retry", "Catch", "Items", "ItemProcessor",
			"Iterator", "ItemSelector", "ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency",
			"ToleratedFailureCount", "ToleratedFailurePercentage", "Label", "Assign"),
	},
}

// Fields of the parts inside states.
var (
	machineFields   = fields("Comment", "StartAt", "States", "QueryLanguage", "TimeoutSeconds", "Version")
	processorFields = fields("Comment", "StartAt", "States", "QueryLanguage", "ProcessorConfig")
	branchFields    = fields("Comment", "StartAt", "States", "QueryLanguage")
	retrierFields   = fields("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
		"MaxDelaySeconds", "JitterStrategy", "Comment")
	catcherFields = [2]fieldSet{
		fields("ErrorEquals", "Next", "ResultPath", "Assign", "Comment"),
		fields("ErrorEquals", "Next", "Output", "Assign", "Comment"),
	}
	choiceRuleFields = [2]fieldSet{
		nil, // a JSONPath rule's own fields are checked by expr.ValidateChoiceRule
		fields("Condition", "Next", "Output", "Assign", "Comment"),
	}
)

// languageIndex returns the column of stateFields for a query language.
func languageIndex(lang string) int {
	if lang == JSONata {
		return 1
	}
	return 0
}
